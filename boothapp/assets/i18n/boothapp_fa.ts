<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fa_IR">
    <context>
        <name>AttractPage</name>
        <message>
            <source>Welcome to our booth</source>
            <translation>به غرفه ما خوش آمدید</translation>
        </message>
        <message>
            <source>Tap “Scan my badge” to turn the camera on</source>
            <translation>برای روشن شدن دوربین «کارتم را اسکن کن» را لمس کنید</translation>
        </message>
        <message>
            <source>Scan my badge</source>
            <translation>کارتم را اسکن کن</translation>
        </message>
        <message>
            <source>No badge? Type your details</source>
            <translation>کارت ندارید؟ مشخصات خود را وارد کنید</translation>
        </message>
    </context>
    <context>
        <name>AuditPage</name>
        <message>
            <source>Audit log: every export, erase and settings change</source>
            <translation>گزارش ممیزی: هر خروجی، حذف و تغییر تنظیمات</translation>
        </message>
        <message>
            <source>All actions</source>
            <translation>همه اقدام‌ها</translation>
        </message>
        <message>
            <source>Refresh</source>
            <translation>به‌روزرسانی</translation>
        </message>
        <message>
            <source>Action</source>
            <translation>اقدام</translation>
        </message>
        <message>
            <source>Who</source>
            <translation>چه کسی</translation>
        </message>
        <message>
            <source>Lead</source>
            <translation>سرنخ</translation>
        </message>
        <message>
            <source>When</source>
            <translation>زمان</translation>
        </message>
        <message>
            <source>What</source>
            <translation>چه چیزی</translation>
        </message>
        <message>
            <source>Not loaded: {e}</source>
            <translation>بارگذاری نشد: {e}</translation>
        </message>
        <message>
            <source>{n} entries</source>
            <translation>{n} مورد</translation>
        </message>
    </context>
    <context>
        <name>CameraController</name>
        <message>
            <source>No camera</source>
            <translation>بدون دوربین</translation>
        </message>
        <message>
            <source>Starting camera…</source>
            <translation>دوربین در حال روشن شدن…</translation>
        </message>
        <message>
            <source>Camera stopped</source>
            <translation>دوربین متوقف شد</translation>
        </message>
        <message>
            <source>Camera disconnected — reconnecting…</source>
            <translation>اتصال دوربین قطع شد — در حال اتصال دوباره…</translation>
        </message>
        <message>
            <source>{0} · {1:.0f} fps · decode {2:.0f} ms</source>
            <translation>{0} · {1:.0f} فریم/ثانیه · رمزگشایی {2:.0f} میلی‌ثانیه</translation>
        </message>
    </context>
    <context>
        <name>CameraPicker</name>
        <message>
            <source>Camera {0}: {1}</source>
            <translation>دوربین {0}: {1}</translation>
        </message>
        <message>
            <source>Video file…</source>
            <translation>فایل ویدیو…</translation>
        </message>
        <message>
            <source>Network camera URL…</source>
            <translation>نشانی دوربین شبکه…</translation>
        </message>
        <message>
            <source>No camera (handheld scanner only)</source>
            <translation>بدون دوربین (فقط اسکنر دستی)</translation>
        </message>
        <message>
            <source>Video or camera recording</source>
            <translation>ویدیو یا فیلم ضبط‌شده دوربین</translation>
        </message>
        <message>
            <source>Video (*.mp4 *.avi *.mkv *.mov);;All (*)</source>
            <translation>ویدیو (*.mp4 *.avi *.mkv *.mov);;همه (*)</translation>
        </message>
        <message>
            <source>Network camera</source>
            <translation>دوربین شبکه</translation>
        </message>
        <message>
            <source>RTSP or HTTP address (rtsp://user:pass@host/stream)</source>
            <translation>نشانی RTSP یا HTTP (rtsp://user:pass@host/stream)</translation>
        </message>
    </context>
    <context>
        <name>CameraView</name>
        <message>
            <source>Starting camera…</source>
            <translation>دوربین در حال روشن شدن…</translation>
        </message>
    </context>
    <context>
        <name>CardCapture</name>
        <message>
            <source>Card (F6)</source>
            <translation>کارت ویزیت (F6)</translation>
        </message>
        <message>
            <source>Read a business card or a badge without a barcode</source>
            <translation>خواندن کارت ویزیت یا کارت بدون بارکد</translation>
        </message>
        <message>
            <source>No camera picture: start the camera and hold the card up to it.</source>
            <translation>تصویری از دوربین نیست: دوربین را روشن کنید و کارت را جلوی آن بگیرید.</translation>
        </message>
        <message>
            <source>Reading the card…</source>
            <translation>در حال خواندن کارت…</translation>
        </message>
        <message>
            <source>Read from a business card: check the fields marked in yellow.</source>
            <translation>از کارت ویزیت خوانده شد: فیلدهای زرد را بررسی کنید.</translation>
        </message>
        <message>
            <source>{0} is already a lead: here it is.</source>
            <translation>{0} از قبل ثبت شده است: این هم پرونده‌اش.</translation>
        </message>
        <message>
            <source>Found in the roster: {0}. Check the fields marked in yellow.</source>
            <translation>در فهرست شرکت‌کنندگان پیدا شد: {0}. فیلدهای زرد را بررسی کنید.</translation>
        </message>
        <message>
            <source> (it was upside down)</source>
            <translation> (وارونه بود)</translation>
        </message>
        <message>
            <source>Card read in {0:.1f} s{1}.</source>
            <translation>کارت در {0:.1f} ثانیه خوانده شد{1}.</translation>
        </message>
        <message>
            <source>Check this: the card reader was not sure (or found nothing).</source>
            <translation>بررسی کنید: کارت‌خوان مطمئن نبود (یا چیزی پیدا نکرد).</translation>
        </message>
        <message>
            <source>The card could not be read: {0}</source>
            <translation>کارت خوانده نشد: {0}</translation>
        </message>
    </context>
    <context>
        <name>ChannelInSentence</name>
        <message>
            <source>email</source>
            <translation>ایمیل</translation>
        </message>
        <message>
            <source>call</source>
            <translation>تماس تلفنی</translation>
        </message>
        <message>
            <source>letter</source>
            <translation>نامه</translation>
        </message>
        <message>
            <source>CRM task</source>
            <translation>کار در CRM</translation>
        </message>
    </context>
    <context>
        <name>Clock</name>
        <message>
            <source>times in {0}</source>
            <translation>زمان‌ها به وقت {0}</translation>
        </message>
    </context>
    <context>
        <name>ConfirmPage</name>
        <message>
            <source>Is this you?</source>
            <translation>آیا این شما هستید؟</translation>
        </message>
        <message>
            <source>Yes, it's me</source>
            <translation>بله، خودم هستم</translation>
        </message>
        <message>
            <source>No, not me</source>
            <translation>نه، من نیستم</translation>
        </message>
    </context>
    <context>
        <name>ConsentPage</name>
        <message>
            <source>May we contact you?</source>
            <translation>آیا می‌توانیم با شما تماس بگیریم؟</translation>
        </message>
        <message>
            <source>Yes, you may contact me by email about your products and this event. I can withdraw this at any time.</source>
            <translation>بله، می‌توانید درباره محصولات خود و این رویداد از طریق ایمیل با من تماس بگیرید. هر زمان بخواهم می‌توانم این اجازه را پس بگیرم.</translation>
        </message>
        <message>
            <source>I agree</source>
            <translation>موافقم</translation>
        </message>
        <message>
            <source>Email me the brochure</source>
            <translation>بروشور را برایم ایمیل کنید</translation>
        </message>
        <message>
            <source>Back</source>
            <translation>بازگشت</translation>
        </message>
        <message>
            <source>Finish</source>
            <translation>پایان</translation>
        </message>
    </context>
    <context>
        <name>CrmSettingsBox</name>
        <message>
            <source>Webhook (Zapier, n8n, …)</source>
            <translation>وب‌هوک (Zapier، n8n، …)</translation>
        </message>
        <message>
            <source>Signing secret (HMAC)</source>
            <translation>کلید امضا (HMAC)</translation>
        </message>
        <message>
            <source>Intake key</source>
            <translation>کلید دریافت</translation>
        </message>
        <message>
            <source>API token (edits, notes, tasks)</source>
            <translation>توکن API (ویرایش، یادداشت، کار)</translation>
        </message>
        <message>
            <source>Private app token</source>
            <translation>توکن برنامه خصوصی</translation>
        </message>
        <message>
            <source>CRM settings</source>
            <translation>تنظیمات CRM</translation>
        </message>
        <message>
            <source>https://crm.example.com</source>
            <translation>https://crm.example.com</translation>
        </message>
        <message>
            <source>the connected app's consumer key</source>
            <translation>کلید مصرف‌کنندهٔ برنامهٔ متصل</translation>
        </message>
        <message>
            <source>https://login.salesforce.com</source>
            <translation>https://login.salesforce.com</translation>
        </message>
        <message>
            <source>/path/to/the/folder/another/tool/watches</source>
            <translation>/path/to/the/folder/another/tool/watches</translation>
        </message>
        <message>
            <source>Send each lead as soon as it is saved</source>
            <translation>هر سرنخ بلافاصله پس از ذخیره ارسال شود</translation>
        </message>
        <message>
            <source>Save settings</source>
            <translation>ذخیره تنظیمات</translation>
        </message>
        <message>
            <source>Test connection</source>
            <translation>آزمایش اتصال</translation>
        </message>
        <message>
            <source>Connect Salesforce…</source>
            <translation>اتصال به Salesforce…</translation>
        </message>
        <message>
            <source>Sign in to Salesforce in your browser; BoothApp keeps the session in the system keyring and renews it by itself.</source>
            <translation>در مرورگر وارد Salesforce شوید؛ BoothApp نشست را در جاکلیدی سیستم نگه می‌دارد و خودش آن را تمدید می‌کند.</translation>
        </message>
        <message>
            <source>CRM</source>
            <translation>CRM</translation>
        </message>
        <message>
            <source>Address</source>
            <translation>نشانی</translation>
        </message>
        <message>
            <source>Folder</source>
            <translation>پوشه</translation>
        </message>
        <message>
            <source>Intake id</source>
            <translation>شناسه دریافت</translation>
        </message>
        <message>
            <source>Portal id</source>
            <translation>شناسه پورتال</translation>
        </message>
        <message>
            <source>Campaign id</source>
            <translation>شناسه کمپین</translation>
        </message>
        <message>
            <source>Consumer key</source>
            <translation>کلید مصرف‌کننده</translation>
        </message>
        <message>
            <source>Sign-in address</source>
            <translation>نشانی ورود</translation>
        </message>
        <message>
            <source>stored in the system keyring; leave empty to keep</source>
            <translation>در جاکلیدی سیستم ذخیره است؛ برای نگه داشتن خالی بگذارید</translation>
        </message>
        <message>
            <source>filled in by Connect</source>
            <translation>با «اتصال» پر می‌شود</translation>
        </message>
        <message>
            <source>https://hooks.example.com/… (each lead is POSTed here, signed)</source>
            <translation>https://hooks.example.com/… (هر سرنخ امضاشده به اینجا POST می‌شود)</translation>
        </message>
        <message>
            <source>Settings saved.</source>
            <translation>تنظیمات ذخیره شد.</translation>
        </message>
        <message>
            <source>Testing…</source>
            <translation>در حال آزمایش…</translation>
        </message>
        <message>
            <source>Waiting for the Salesforce sign-in in your browser…</source>
            <translation>در انتظار ورود به Salesforce در مرورگر…</translation>
        </message>
    </context>
    <context>
        <name>DashboardPage</name>
        <message>
            <source>never</source>
            <translation>هرگز</translation>
        </message>
        <message>
            <source>just now</source>
            <translation>همین حالا</translation>
        </message>
        <message>
            <source>{0} min ago</source>
            <translation>{0} دقیقه پیش</translation>
        </message>
        <message>
            <source>{0} h ago</source>
            <translation>{0} ساعت پیش</translation>
        </message>
        <message>
            <source>&lt; 1 min</source>
            <translation>کمتر از ۱ دقیقه</translation>
        </message>
        <message>
            <source>{0} min</source>
            <translation>{0} دقیقه</translation>
        </message>
        <message>
            <source>{0} h {1:02d} min</source>
            <translation>{0}:{1:02d} ساعت</translation>
        </message>
        <message>
            <source>{0} d {1} h</source>
            <translation>{0} روز و {1} ساعت</translation>
        </message>
        <message>
            <source>capture → first contact · no leads yet</source>
            <translation>ثبت ← اولین تماس · هنوز سرنخی نیست</translation>
        </message>
        <message>
            <source>capture → first contact · nobody contacted yet, {0:,} waiting</source>
            <translation>ثبت ← اولین تماس · هنوز با کسی تماس گرفته نشده، {0:,} در انتظار</translation>
        </message>
        <message>
            <source> · {0:,} waiting</source>
            <translation> · {0:,} منتظر</translation>
        </message>
        <message>
            <source>Leads today</source>
            <translation>سرنخ‌های امروز</translation>
        </message>
        <message>
            <source>Rating mix today</source>
            <translation>ترکیب امتیاز امروز</translation>
        </message>
        <message>
            <source>Last sync</source>
            <translation>آخرین همگام‌سازی</translation>
        </message>
        <message>
            <source>Qualified for sales</source>
            <translation>آماده فروش</translation>
        </message>
        <message>
            <source>Response time</source>
            <translation>زمان پاسخ</translation>
        </message>
        <message>
            <source>Leads per hour</source>
            <translation>سرنخ در هر ساعت</translation>
        </message>
        <message>
            <source>Today against target</source>
            <translation>امروز در برابر هدف</translation>
        </message>
        <message>
            <source>Leaderboard (whole show)</source>
            <translation>جدول برترین‌ها (کل نمایشگاه)</translation>
        </message>
        <message>
            <source>Could not refresh: {0}</source>
            <translation>به‌روزرسانی نشد: {0}</translation>
        </message>
        <message>
            <source>{0:,}</source>
            <translation>{0:,}</translation>
        </message>
        <message>
            <source>target {0:,} · {1} hot · {2}</source>
            <translation>هدف {0:,} · {1} داغ · {2}</translation>
        </message>
        <message>
            <source>
last lead {0}</source>
            <translation>
آخرین سرنخ {0}</translation>
        </message>
        <message>
            <source>&lt;span style='color:{0}'&gt;{1}&lt;/span&gt; · &lt;span style='color:{2}'&gt;{3}&lt;/span&gt; · &lt;span style='color:{4}'&gt;{5}&lt;/span&gt;</source>
            <translation>&lt;span style='color:{0}'&gt;{1}&lt;/span&gt; · &lt;span style='color:{2}'&gt;{3}&lt;/span&gt; · &lt;span style='color:{4}'&gt;{5}&lt;/span&gt;</translation>
        </message>
        <message>
            <source>&lt;span style='color:{0}'&gt;hot&lt;/span&gt; · &lt;span style='color:{1}'&gt;warm&lt;/span&gt; · &lt;span style='color:{2}'&gt;cold&lt;/span&gt;{3}</source>
            <translation>&lt;span style='color:{0}'&gt;داغ&lt;/span&gt; · &lt;span style='color:{1}'&gt;گرم&lt;/span&gt; · &lt;span style='color:{2}'&gt;سرد&lt;/span&gt;{3}</translation>
        </message>
        <message>
            <source> · {0} hot</source>
            <translation> · {0} داغ</translation>
        </message>
        <message>
            <source>SQL to sales{0} · {1:,} MQL to nurture</source>
            <translation>به فروش می‌رود{0} · {1:,} برای پرورش</translation>
        </message>
        <message>
            <source>nothing sent to the CRM yet</source>
            <translation>هنوز چیزی به CRM ارسال نشده</translation>
        </message>
        <message>
            <source>&lt;b&gt;{0}&lt;/b&gt; leads</source>
            <translation>&lt;b&gt;{0}&lt;/b&gt; سرنخ</translation>
        </message>
        <message>
            <source>&lt;table&gt;{0}&lt;/table&gt;</source>
            <translation>&lt;table&gt;{0}&lt;/table&gt;</translation>
        </message>
        <message>
            <source>No leads yet</source>
            <translation>هنوز سرنخی نیست</translation>
        </message>
        <message>
            <source>{0} / {1}</source>
            <translation>{0} از {1}</translation>
        </message>
        <message>
            <source>{0} hot</source>
            <translation>{0} داغ</translation>
        </message>
        <message>
            <source>median, capture → first contact&lt;br&gt;&lt;b&gt;{0}&lt;/b&gt; within {1}&lt;br&gt;{2:,} of {3:,} contacted{4}</source>
            <translation>میانه، ثبت ← اولین تماس&lt;br&gt;&lt;b&gt;{0}&lt;/b&gt; در کمتر از {1}&lt;br&gt;{2:,} از {3:,} تماس‌شده{4}</translation>
        </message>
        <message numerus="yes">
            <source>%n h</source>
            <translation>
                <numerusform>%n ساعت</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>DeleteReviewPage</name>
        <message>
            <source>Deletion requests: erase for good, or keep</source>
            <translation>موارد حذف: حذف همیشگی یا نگه داشتن</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>نام</translation>
        </message>
        <message>
            <source>Company</source>
            <translation>شرکت</translation>
        </message>
        <message>
            <source>E-mail</source>
            <translation>ایمیل</translation>
        </message>
        <message>
            <source>By</source>
            <translation>ثبت‌کننده</translation>
        </message>
        <message>
            <source>Captured</source>
            <translation>زمان ثبت</translation>
        </message>
        <message>
            <source>Erase</source>
            <translation>حذف</translation>
        </message>
        <message>
            <source>Gone for good: the lead, its scans, history and mails</source>
            <translation>برای همیشه پاک می‌شود: سرنخ، اسکن‌ها، تاریخچه و ایمیل‌هایش</translation>
        </message>
        <message>
            <source>Keep</source>
            <translation>نگه داشتن</translation>
        </message>
        <message>
            <source>A real visitor: unflag and plan follow-ups again</source>
            <translation>بازدیدکننده واقعی: علامت برداشته شود و پیگیری‌ها دوباره برنامه‌ریزی شود</translation>
        </message>
        <message>
            <source>Not loaded: {e}</source>
            <translation>بارگذاری نشد: {e}</translation>
        </message>
        <message>
            <source>Flagged for deletion: {n}</source>
            <translation>علامت‌خورده برای حذف: {n}</translation>
        </message>
        <message>
            <source>Erase lead</source>
            <translation>حذف سرنخ</translation>
        </message>
        <message>
            <source>Erase {name} for good? This cannot be undone.</source>
            <translation>{name} برای همیشه حذف شود؟ این کار برگشت‌پذیر نیست.</translation>
        </message>
        <message>
            <source>{name} erased</source>
            <translation>{name} حذف شد</translation>
        </message>
        <message>
            <source>{name} kept and unflagged</source>
            <translation>{name} نگه داشته شد و علامتش برداشته شد</translation>
        </message>
    </context>
    <context>
        <name>DesktopWindow</name>
        <message>
            <source>Follow-up mail: {0}</source>
            <translation>ایمیل پیگیری: {0}</translation>
        </message>
        <message>
            <source>Scan to form: {0:.0f} ms</source>
            <translation>از اسکن تا فرم: {0:.0f} میلی‌ثانیه</translation>
        </message>
        <message>
            <source>Not signed in</source>
            <translation>وارد نشده‌اید</translation>
        </message>
        <message>
            <source>Lock (Ctrl+L)</source>
            <translation>قفل (Ctrl+L)</translation>
        </message>
        <message>
            <source>Deletion requests</source>
            <translation>موارد حذف</translation>
        </message>
        <message>
            <source>Dark/light</source>
            <translation>تیره/روشن</translation>
        </message>
        <message>
            <source>Export…</source>
            <translation>خروجی…</translation>
        </message>
        <message>
            <source>Kiosk mode</source>
            <translation>حالت کیوسک</translation>
        </message>
        <message>
            <source>Import roster…</source>
            <translation>ورود فهرست شرکت‌کنندگان…</translation>
        </message>
        <message>
            <source>Signed in: {0}</source>
            <translation>واردشده: {0}</translation>
        </message>
        <message>
            <source>Status unknown: {0}</source>
            <translation>وضعیت نامشخص: {0}</translation>
        </message>
        <message>
            <source>Locked: sign in</source>
            <translation>قفل است: وارد شوید</translation>
        </message>
        <message numerus="yes">
            <source>Retention rule: %n lead(s) past the event's limit erased</source>
            <translation>
                <numerusform>قاعده نگه‌داری: %n سرنخ که از مهلت رویداد گذشته بود حذف شد</numerusform>
            </translation>
        </message>
        <message>
            <source>Retention rule: {0}</source>
            <translation>قاعده نگه‌داری: {0}</translation>
        </message>
        <message>
            <source>CRM sync</source>
            <translation>همگام‌سازی CRM</translation>
        </message>
        <message>
            <source>Event settings</source>
            <translation>تنظیمات رویداد</translation>
        </message>
        <message>
            <source>Audit log</source>
            <translation>گزارش ممیزی</translation>
        </message>
        <message>
            <source>Signed in: {staff} · manager: {manager}</source>
            <translation>واردشده: {staff} · مدیر: {manager}</translation>
        </message>
        <message>
            <source>Sign in first: the badge was not kept.</source>
            <translation>اول وارد شوید: کارت ثبت نشد.</translation>
        </message>
        <message>
            <source>Saved {0}</source>
            <translation>{0} ذخیره شد</translation>
        </message>
        <message>
            <source>Password not kept: {0}</source>
            <translation>گذرواژه نگه داشته نشد: {0}</translation>
        </message>
        <message>
            <source>Follow-ups: {0} email(s) sent, {1} failed{2}</source>
            <translation>پیگیری‌ها: {0} ایمیل ارسال شد، {1} ناموفق{2}</translation>
        </message>
        <message>
            <source>No camera chosen: scan badges with the handheld scanner.</source>
            <translation>دوربینی انتخاب نشده: کارت‌ها را با اسکنر دستی بخوانید.</translation>
        </message>
        <message>
            <source>Lead sheet written: {0}</source>
            <translation>برگه سرنخ نوشته شد: {0}</translation>
        </message>
        <message>
            <source>No lead sheet: {0}</source>
            <translation>برگه سرنخ ساخته نشد: {0}</translation>
        </message>
        <message>
            <source>Export</source>
            <translation>خروجی گرفتن</translation>
        </message>
        <message>
            <source>CRM: {0}</source>
            <translation>CRM: {0}</translation>
        </message>
        <message>
            <source>CRM sync stopped: {0} (F7)</source>
            <translation>همگام‌سازی CRM متوقف شد: {0} (F7)</translation>
        </message>
    </context>
    <context>
        <name>DetailsPage</name>
        <message>
            <source>Please fill in your name and a valid email</source>
            <translation>لطفاً نام و یک ایمیل معتبر وارد کنید</translation>
        </message>
        <message>
            <source>Is this you?</source>
            <translation>آیا این شما هستید؟</translation>
        </message>
        <message>
            <source>Your details</source>
            <translation>مشخصات شما</translation>
        </message>
        <message>
            <source>First name</source>
            <translation>نام</translation>
        </message>
        <message>
            <source>Last name</source>
            <translation>نام خانوادگی</translation>
        </message>
        <message>
            <source>Email</source>
            <translation>ایمیل</translation>
        </message>
        <message>
            <source>Company</source>
            <translation>شرکت</translation>
        </message>
        <message>
            <source>Job title</source>
            <translation>سمت</translation>
        </message>
        <message>
            <source>Next</source>
            <translation>بعدی</translation>
        </message>
        <message>
            <source>Start over</source>
            <translation>شروع دوباره</translation>
        </message>
    </context>
    <context>
        <name>EventDetailsPage</name>
        <message>
            <source>Your event</source>
            <translation>رویداد شما</translation>
        </message>
        <message>
            <source>Where and when is the show? Times of leads and follow-ups use this.</source>
            <translation>نمایشگاه کجا و چه زمانی است؟ زمان سرنخ‌ها و پیگیری‌ها بر این اساس است.</translation>
        </message>
        <message>
            <source>e.g. Hannover Messe 2027</source>
            <translation>مثلاً Hannover Messe 2027</translation>
        </message>
        <message>
            <source>e.g. Hall 7, C42</source>
            <translation>مثلاً سالن ۷، C42</translation>
        </message>
        <message>
            <source>2-letter code, e.g. DE</source>
            <translation>کد دوحرفی، مثلاً IR</translation>
        </message>
        <message>
            <source>Event name *</source>
            <translation>نام رویداد *</translation>
        </message>
        <message>
            <source>Venue</source>
            <translation>محل برگزاری</translation>
        </message>
        <message>
            <source>Booth</source>
            <translation>غرفه</translation>
        </message>
        <message>
            <source>Country</source>
            <translation>کشور</translation>
        </message>
        <message>
            <source>Time zone *</source>
            <translation>منطقه زمانی *</translation>
        </message>
        <message>
            <source>First day</source>
            <translation>روز اول</translation>
        </message>
        <message>
            <source>Last day</source>
            <translation>روز آخر</translation>
        </message>
    </context>
    <context>
        <name>EventSettingsPage</name>
        <message>
            <source>{0}: questions, scoring, rating, routing</source>
            <translation>{0}: پرسش‌ها، امتیازدهی، رتبه، مسیریابی</translation>
        </message>
        <message>
            <source>Edit and press Save (Ctrl+S). Changing a rule never rewrites answers already captured; use 'boothapp leads reroute' to route again.</source>
            <translation>ویرایش کنید و «ذخیره» (Ctrl+S) را بزنید. تغییر یک قاعده پاسخ‌های ثبت‌شده را عوض نمی‌کند؛ برای مسیریابی دوباره از 'boothapp leads reroute' استفاده کنید.</translation>
        </message>
        <message>
            <source>Form: questions, rating, reps</source>
            <translation>فرم: پرسش‌ها، رتبه، نمایندگان</translation>
        </message>
        <message>
            <source>Everything (YAML)</source>
            <translation>همه (YAML)</translation>
        </message>
        <message>
            <source>Check</source>
            <translation>بررسی</translation>
        </message>
        <message>
            <source>Save (Ctrl+S)</source>
            <translation>ذخیره (Ctrl+S)</translation>
        </message>
        <message>
            <source>Revert</source>
            <translation>بازگرداندن</translation>
        </message>
        <message>
            <source>Event settings are for managers.
Ask a manager to sign in (Ctrl+L locks).</source>
            <translation>تنظیمات رویداد مخصوص مدیران است.
از یک مدیر بخواهید وارد شود (Ctrl+L قفل می‌کند).</translation>
        </message>
        <message>
            <source>Unsaved event settings</source>
            <translation>تنظیمات ذخیره‌نشده رویداد</translation>
        </message>
        <message>
            <source>The event settings have unsaved changes.</source>
            <translation>تنظیمات رویداد تغییرات ذخیره‌نشده دارد.</translation>
        </message>
        <message>
            <source>Save</source>
            <translation>ذخیره</translation>
        </message>
        <message>
            <source>Discard</source>
            <translation>دور انداختن</translation>
        </message>
        <message>
            <source>Stay here</source>
            <translation>همین‌جا بمان</translation>
        </message>
        <message>
            <source>Changed: Save (Ctrl+S) to keep it</source>
            <translation>تغییر کرد: برای نگه داشتن «ذخیره» (Ctrl+S)</translation>
        </message>
        <message>
            <source>{0} problem(s): nothing saved</source>
            <translation>{0} مشکل: چیزی ذخیره نشد</translation>
        </message>
        <message>
            <source>Looks good</source>
            <translation>درست است</translation>
        </message>
        <message>
            <source>Not saved: {0}</source>
            <translation>ذخیره نشد: {0}</translation>
        </message>
        <message>
            <source>Saved as revision {0}</source>
            <translation>به‌عنوان نسخه {0} ذخیره شد</translation>
        </message>
    </context>
    <context>
        <name>ExportDialog</name>
        <message>
            <source>CSV (Excel, any CRM)</source>
            <translation>CSV (اکسل، هر CRM)</translation>
        </message>
        <message>
            <source>Excel workbook (XLSX)</source>
            <translation>فایل اکسل (XLSX)</translation>
        </message>
        <message>
            <source>Post-show report (PDF)</source>
            <translation>گزارش پس از نمایشگاه (PDF)</translation>
        </message>
        <message>
            <source>Export — {0}</source>
            <translation>خروجی — {0}</translation>
        </message>
        <message>
            <source>Choose…</source>
            <translation>انتخاب…</translation>
        </message>
        <message>
            <source>Excel-friendly CSV (UTF-8 with BOM, accents show right)</source>
            <translation>CSV سازگار با اکسل (UTF-8 با BOM، حروف درست نمایش داده می‌شوند)</translation>
        </message>
        <message>
            <source>Comma ,</source>
            <translation>ویرگول ,</translation>
        </message>
        <message>
            <source>Semicolon ;</source>
            <translation>نقطه‌ویرگول ;</translation>
        </message>
        <message>
            <source>Tab</source>
            <translation>تب</translation>
        </message>
        <message>
            <source>Pipe |</source>
            <translation>خط عمودی |</translation>
        </message>
        <message>
            <source>Only sales-qualified leads</source>
            <translation>فقط سرنخ‌های آماده فروش</translation>
        </message>
        <message>
            <source>Only hot and warm leads</source>
            <translation>فقط سرنخ‌های داغ و گرم</translation>
        </message>
        <message>
            <source>Leave out leads marked 'please delete'</source>
            <translation>سرنخ‌های «لطفاً حذف شود» کنار گذاشته شوند</translation>
        </message>
        <message>
            <source>Export</source>
            <translation>خروجی گرفتن</translation>
        </message>
        <message>
            <source>Open folder</source>
            <translation>باز کردن پوشه</translation>
        </message>
        <message>
            <source>Cancel export</source>
            <translation>لغو خروجی</translation>
        </message>
        <message>
            <source>Close</source>
            <translation>بستن</translation>
        </message>
        <message>
            <source>What</source>
            <translation>چه چیزی</translation>
        </message>
        <message>
            <source>File</source>
            <translation>فایل</translation>
        </message>
        <message>
            <source>CSV delimiter</source>
            <translation>جداکننده CSV</translation>
        </message>
        <message>
            <source>Filter</source>
            <translation>فیلتر</translation>
        </message>
        <message>
            <source>Columns</source>
            <translation>ستون‌ها</translation>
        </message>
        <message>
            <source>Export to</source>
            <translation>محل ذخیره</translation>
        </message>
        <message>
            <source>Cannot use that folder: {0}</source>
            <translation>از این پوشه نمی‌توان استفاده کرد: {0}</translation>
        </message>
        <message>
            <source>Working…</source>
            <translation>در حال انجام…</translation>
        </message>
        <message>
            <source>Report on {0} leads written to {1}</source>
            <translation>گزارش {0} سرنخ در {1} نوشته شد</translation>
        </message>
        <message>
            <source>Tick at least one column.</source>
            <translation>دست‌کم یک ستون را علامت بزنید.</translation>
        </message>
        <message>
            <source>{0} leads written to {1}</source>
            <translation>{0} سرنخ در {1} نوشته شد</translation>
        </message>
        <message>
            <source>Cancelling…</source>
            <translation>در حال لغو…</translation>
        </message>
        <message>
            <source>Export cancelled: no file written.</source>
            <translation>خروجی لغو شد: فایلی نوشته نشد.</translation>
        </message>
        <message>
            <source>Not exported: {0}</source>
            <translation>خروجی گرفته نشد: {0}</translation>
        </message>
    </context>
    <context>
        <name>Faults</name>
        <message>
            <source>Something went wrong ({0}); what was saved is safe. Details: {1}</source>
            <translation>مشکلی پیش آمد ({0})؛ آنچه ذخیره شده سالم است. جزئیات: {1}</translation>
        </message>
    </context>
    <context>
        <name>FollowUpOutputsBar</name>
        <message>
            <source>Calendar (.ics)…</source>
            <translation>تقویم (.ics)…</translation>
        </message>
        <message>
            <source>Print letters (PDF)…</source>
            <translation>چاپ نامه‌ها (PDF)…</translation>
        </message>
        <message>
            <source>Put the letters due by today, for every owner, into one PDF to print; they are marked printed and leave the queue ({0})</source>
            <translation>نامه‌هایی که تا امروز موعدشان رسیده، برای همه مسئولان، در یک PDF برای چاپ؛ چاپ‌شده علامت می‌خورند و از صف خارج می‌شوند ({0})</translation>
        </message>
        <message>
            <source>Open</source>
            <translation>باز کردن</translation>
        </message>
        <message>
            <source>Show in folder</source>
            <translation>نمایش در پوشه</translation>
        </message>
        <message>
            <source>Save {0}'s open calls and letters as a calendar file ({1})</source>
            <translation>تماس‌ها و نامه‌های باز {0} به‌صورت فایل تقویم ذخیره شود ({1})</translation>
        </message>
        <message>
            <source>Choose an owner first: a calendar is one person's follow-ups</source>
            <translation>اول یک مسئول انتخاب کنید: تقویم برای پیگیری‌های یک نفر است</translation>
        </message>
        <message>
            <source>Collecting {0}'s follow-ups…</source>
            <translation>در حال جمع‌آوری پیگیری‌های {0}…</translation>
        </message>
        <message>
            <source>{0} has no open calls or letters: no calendar to save.</source>
            <translation>{0} تماس یا نامه بازی ندارد: تقویمی برای ذخیره نیست.</translation>
        </message>
        <message>
            <source>Calendar not saved: {0}</source>
            <translation>تقویم ذخیره نشد: {0}</translation>
        </message>
        <message>
            <source>Save {0}'s follow-up calendar</source>
            <translation>ذخیره تقویم پیگیری {0}</translation>
        </message>
        <message>
            <source>Calendar (*.ics)</source>
            <translation>تقویم (*.ics)</translation>
        </message>
        <message>
            <source>Saving {0}…</source>
            <translation>در حال ذخیره {0}…</translation>
        </message>
        <message>
            <source>{0} for {1} saved to {2}</source>
            <translation>{0} برای {1} در {2} ذخیره شد</translation>
        </message>
        <message>
            <source>Looking for letters due…</source>
            <translation>در حال یافتن نامه‌های سررسیده…</translation>
        </message>
        <message>
            <source>Letters not printed: {0}</source>
            <translation>نامه‌ها چاپ نشد: {0}</translation>
        </message>
        <message>
            <source>No letters due by today ({0}): nothing to print.</source>
            <translation>تا امروز ({0}) نامه‌ای سررسید نشده: چیزی برای چاپ نیست.</translation>
        </message>
        <message>
            <source>Save {0} as PDF</source>
            <translation>ذخیره {0} به‌صورت PDF</translation>
        </message>
        <message>
            <source>PDF (*.pdf)</source>
            <translation>PDF (*.pdf)</translation>
        </message>
        <message>
            <source>Printing {0} to {1}…</source>
            <translation>در حال چاپ {0} در {1}…</translation>
        </message>
        <message>
            <source>Letters not printed: {0}; they stay in the queue.</source>
            <translation>نامه‌ها چاپ نشد: {0}؛ در صف می‌مانند.</translation>
        </message>
        <message>
            <source>{0} saved to {1}, marked printed</source>
            <translation>{0} در {1} ذخیره و چاپ‌شده علامت خورد</translation>
        </message>
    </context>
    <context>
        <name>FollowUpQueuePage</name>
        <message>
            <source>Everyone</source>
            <translation>همه</translation>
        </message>
        <message>
            <source>Refresh</source>
            <translation>به‌روزرسانی</translation>
        </message>
        <message>
            <source>Send email</source>
            <translation>ارسال ایمیل</translation>
        </message>
        <message>
            <source>It was sent</source>
            <translation>ارسال شده بود</translation>
        </message>
        <message>
            <source>Not sent: send again</source>
            <translation>ارسال نشده: دوباره بفرست</translation>
        </message>
        <message>
            <source>Owner</source>
            <translation>مسئول</translation>
        </message>
        <message>
            <source>{0} (the visitor's own where it differs)</source>
            <translation>{0} (ساعت خود بازدیدکننده اگر فرق دارد)</translation>
        </message>
        <message>
            <source>Loading…</source>
            <translation>در حال بارگذاری…</translation>
        </message>
        <message numerus="yes">
            <source>%Ln due</source>
            <translation>
                <numerusform>%Ln مورد سررسید</numerusform>
            </translation>
        </message>
        <message>
            <source>{0}, {1} overdue</source>
            <translation>{0}، {1} عقب‌افتاده</translation>
        </message>
        <message>
            <source>Nothing due. Well done.</source>
            <translation>کاری نمانده. دست‌مریزاد.</translation>
        </message>
        <message>
            <source>{0} #{1} · {2}</source>
            <translation>{0} شمارهٔ {1} · {2}</translation>
        </message>
        <message>
            <source>Set up the SMTP server in the event settings first</source>
            <translation>اول سرور SMTP را در تنظیمات رویداد تنظیم کنید</translation>
        </message>
        <message>
            <source>Saving {0}…</source>
            <translation>در حال ذخیره {0}…</translation>
        </message>
        <message>
            <source>Saving…</source>
            <translation>در حال ذخیره…</translation>
        </message>
        <message>
            <source>Marked sent</source>
            <translation>ارسال‌شده علامت خورد</translation>
        </message>
        <message>
            <source>Will be sent again</source>
            <translation>دوباره ارسال می‌شود</translation>
        </message>
        <message>
            <source>Not sent: the mail password is needed</source>
            <translation>ارسال نشد: گذرواژه ایمیل لازم است</translation>
        </message>
        <message>
            <source>Sending…</source>
            <translation>در حال ارسال…</translation>
        </message>
        <message>
            <source>Sent</source>
            <translation>ارسال شد</translation>
        </message>
        <message>
            <source>Not sent now: outside the lead's sending window or already mailed today; moved to their next slot</source>
            <translation>اکنون ارسال نشد: بیرون از بازه ارسال این سرنخ است یا امروز ایمیل گرفته؛ به نوبت بعدی منتقل شد</translation>
        </message>
        <message>
            <source>Not sent: {0}</source>
            <translation>ارسال نشد: {0}</translation>
        </message>
        <message>
            <source>Not sent: no marketing consent or address</source>
            <translation>ارسال نشد: رضایت بازاریابی یا نشانی ندارد</translation>
        </message>
        <message>
            <source>Failed: {0}</source>
            <translation>ناموفق: {0}</translation>
        </message>
    </context>
    <context>
        <name>FollowUps</name>
        <message>
            <source>{0} ({1} in {2})</source>
            <translation>{0} ({1} به وقت {2})</translation>
        </message>
        <message>
            <source>CHECK SENT FOLDER · </source>
            <translation>پوشه ارسال‌شده‌ها را بررسی کنید · </translation>
        </message>
        <message>
            <source>OVERDUE · </source>
            <translation>عقب‌افتاده · </translation>
        </message>
        <message>
            <source>Language</source>
            <translation>زبان</translation>
        </message>
        <message>
            <source>No further touches: {0}</source>
            <translation>تماس دیگری نیست: {0}</translation>
        </message>
        <message>
            <source>Next: {0} {1} · {2}</source>
            <translation>بعدی: {0} {1} · {2}</translation>
        </message>
        <message>
            <source>Email</source>
            <translation>ایمیل</translation>
        </message>
        <message>
            <source>Call</source>
            <translation>تماس تلفنی</translation>
        </message>
        <message>
            <source>Letter</source>
            <translation>نامه</translation>
        </message>
        <message>
            <source>CRM task</source>
            <translation>کار در CRM</translation>
        </message>
        <message>
            <source>Reached</source>
            <translation>تماس برقرار شد</translation>
        </message>
        <message>
            <source>Voicemail</source>
            <translation>پیغام‌گیر</translation>
        </message>
        <message>
            <source>No answer</source>
            <translation>پاسخ نداد</translation>
        </message>
        <message>
            <source>Not interested</source>
            <translation>علاقه‌مند نیست</translation>
        </message>
        <message>
            <source>Meeting booked</source>
            <translation>جلسه گذاشته شد</translation>
        </message>
        <message>
            <source>Wrong number</source>
            <translation>شماره اشتباه</translation>
        </message>
    </context>
    <context>
        <name>FollowupOutputsBar</name>
        <message>
            <source>{0} - {1} follow-ups</source>
            <translation>{0} - پیگیری‌های {1}</translation>
        </message>
        <message>
            <source>{0} - letters {1}</source>
            <translation>{0} - نامه‌ها {1}</translation>
        </message>
    </context>
    <context>
        <name>FollowupQueuePage</name>
        <message>
            <source>{0}{1} · {2} · {3}{4}</source>
            <translation>{0}{1} · {2} · {3}{4}</translation>
        </message>
        <message>
            <source>Mail password</source>
            <translation>گذرواژه ایمیل</translation>
        </message>
        <message>
            <source>Password for {0}
(kept in the system keyring, asked once):</source>
            <translation>گذرواژه {0}
(در جاکلیدی سیستم نگه داشته می‌شود، فقط یک بار پرسیده می‌شود):</translation>
        </message>
    </context>
    <context>
        <name>HubFooter</name>
        <message>
            <source>Hub: connecting…</source>
            <translation>هاب: در حال اتصال…</translation>
        </message>
        <message>
            <source>Hub refused this kiosk</source>
            <translation>هاب این کیوسک را نپذیرفت</translation>
        </message>
        <message numerus="yes">
            <source>%n waiting</source>
            <translation>
                <numerusform>%n در انتظار</numerusform>
            </translation>
        </message>
        <message>
            <source>all shared</source>
            <translation>همه به اشتراک گذاشته شد</translation>
        </message>
        <message>
            <source>Hub's certificate not accepted (TLS) · {waiting}</source>
            <translation>گواهی هاب پذیرفته نشد (TLS) · {waiting}</translation>
        </message>
        <message>
            <source>Hub needs an upgrade (boothapp hub init) · {waiting}</source>
            <translation>هاب باید به‌روز شود (boothapp hub init) · {waiting}</translation>
        </message>
        <message>
            <source>Hub error · {waiting}</source>
            <translation>خطای هاب · {waiting}</translation>
        </message>
        <message>
            <source>Hub online · all shared</source>
            <translation>هاب برخط · همه به اشتراک گذاشته شد</translation>
        </message>
        <message>
            <source>Hub offline · all shared</source>
            <translation>هاب قطع است · همه به اشتراک گذاشته شد</translation>
        </message>
        <message numerus="yes">
            <source>Hub online · %n waiting</source>
            <translation>
                <numerusform>هاب برخط · %n در انتظار</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Hub offline · %n waiting</source>
            <translation>
                <numerusform>هاب قطع است · %n در انتظار</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>KioskWindow</name>
        <message>
            <source>{0} — BoothApp kiosk</source>
            <translation>{0} — کیوسک BoothApp</translation>
        </message>
        <message>
            <source>Too many wrong PINs. Try again in {s} s</source>
            <translation>رمز اشتباه بیش از حد. {s} ثانیه دیگر دوباره امتحان کنید</translation>
        </message>
        <message>
            <source>Still there? Starting over in {s} s — touch to continue</source>
            <translation>هنوز اینجا هستید؟ شروع دوباره تا {s} ثانیه دیگر — برای ادامه لمس کنید</translation>
        </message>
        <message>
            <source>Sorry, that did not work. Please ask our staff.</source>
            <translation>متأسفیم، انجام نشد. لطفاً از همکاران ما کمک بخواهید.</translation>
        </message>
    </context>
    <context>
        <name>LeadDetail</name>
        <message>
            <source>Please delete</source>
            <translation>لطفاً حذف شود</translation>
        </message>
        <message>
            <source>Stage</source>
            <translation>مرحله</translation>
        </message>
        <message>
            <source>Notes</source>
            <translation>یادداشت‌ها</translation>
        </message>
        <message>
            <source>Rating</source>
            <translation>رتبه</translation>
        </message>
        <message>
            <source>Answers</source>
            <translation>پاسخ‌ها</translation>
        </message>
        <message>
            <source>Owner</source>
            <translation>مسئول</translation>
        </message>
        <message>
            <source>someone</source>
            <translation>کسی</translation>
        </message>
        <message>
            <source>{0} · {1} · {2}</source>
            <translation>{0} · {1} · {2}</translation>
        </message>
        <message>
            <source>{0} · {1} · {2}: {3} → {4}</source>
            <translation>{0} · {1} · {2}: {3} ← {4}</translation>
        </message>
        <message>
            <source>yes</source>
            <translation>بله</translation>
        </message>
        <message>
            <source>no</source>
            <translation>خیر</translation>
        </message>
        <message>
            <source>(empty)</source>
            <translation>(خالی)</translation>
        </message>
        <message>
            <source>none planned</source>
            <translation>برنامه‌ای نیست</translation>
        </message>
        <message>
            <source>Next: {0} {1} {2}</source>
            <translation>بعدی: {0} {1} {2}</translation>
        </message>
        <message>
            <source>No open touches</source>
            <translation>تماس بازی نیست</translation>
        </message>
        <message>
            <source>{0} done</source>
            <translation>{0} انجام شد</translation>
        </message>
        <message>
            <source>{0} open</source>
            <translation>{0} باز</translation>
        </message>
        <message>
            <source>{0} need attention (bounced or interrupted)</source>
            <translation>{0} نیاز به توجه دارد (برگشت خورده یا نیمه‌کاره)</translation>
        </message>
        <message>
            <source>last: {0}</source>
            <translation>آخرین: {0}</translation>
        </message>
    </context>
    <context>
        <name>LeadDetailPanel</name>
        <message>
            <source>Select a lead</source>
            <translation>یک سرنخ انتخاب کنید</translation>
        </message>
        <message>
            <source>Add a note (kept with your name and the time)</source>
            <translation>یادداشت بگذارید (با نام شما و زمان ثبت می‌شود)</translation>
        </message>
        <message>
            <source>(routing decides)</source>
            <translation>(مسیریابی تعیین می‌کند)</translation>
        </message>
        <message>
            <source>Managers change the owner; routing chose it at capture</source>
            <translation>مسئول را مدیران تغییر می‌دهند؛ هنگام ثبت، مسیریابی آن را انتخاب کرد</translation>
        </message>
        <message>
            <source>Save changes (Ctrl+S)</source>
            <translation>ذخیره تغییرات (Ctrl+S)</translation>
        </message>
        <message>
            <source>Please delete</source>
            <translation>لطفاً حذف شود</translation>
        </message>
        <message>
            <source>Junk or test entry: an administrator reviews flagged leads; nothing is deleted now</source>
            <translation>ورودی بی‌ارزش یا آزمایشی: مدیر سرنخ‌های علامت‌خورده را بررسی می‌کند؛ اکنون چیزی حذف نمی‌شود</translation>
        </message>
        <message>
            <source>none planned</source>
            <translation>برنامه‌ای نیست</translation>
        </message>
        <message>
            <source>Close (Esc)</source>
            <translation>بستن (Esc)</translation>
        </message>
        <message>
            <source>Lead sheet (PDF)…</source>
            <translation>برگه سرنخ (PDF)…</translation>
        </message>
        <message>
            <source>One page for the rep who takes this lead over</source>
            <translation>یک صفحه برای نماینده‌ای که این سرنخ را تحویل می‌گیرد</translation>
        </message>
        <message>
            <source>Rating</source>
            <translation>رتبه</translation>
        </message>
        <message>
            <source>Owner</source>
            <translation>مسئول</translation>
        </message>
        <message>
            <source>Stage</source>
            <translation>مرحله</translation>
        </message>
        <message>
            <source>Follow-ups</source>
            <translation>پیگیری‌ها</translation>
        </message>
        <message>
            <source>Sync</source>
            <translation>همگام‌سازی</translation>
        </message>
        <message>
            <source>Contact</source>
            <translation>مشخصات تماس</translation>
        </message>
        <message>
            <source>Answers</source>
            <translation>پاسخ‌ها</translation>
        </message>
        <message>
            <source>Notes</source>
            <translation>یادداشت‌ها</translation>
        </message>
        <message>
            <source>Pipeline</source>
            <translation>روند فروش</translation>
        </message>
        <message>
            <source>History</source>
            <translation>تاریخچه</translation>
        </message>
        <message>
            <source>Loading…</source>
            <translation>در حال بارگذاری…</translation>
        </message>
        <message>
            <source>Could not load follow-ups: {0}</source>
            <translation>پیگیری‌ها بارگذاری نشد: {0}</translation>
        </message>
        <message>
            <source>Could not open the lead: {0}</source>
            <translation>سرنخ باز نشد: {0}</translation>
        </message>
        <message>
            <source> by {0}</source>
            <translation> توسط {0}</translation>
        </message>
        <message>
            <source>{0} · score {1} · captured {2}{3}</source>
            <translation>{0} · امتیاز {1} · ثبت {2}{3}</translation>
        </message>
        <message>
            <source>(none)</source>
            <translation>(هیچ)</translation>
        </message>
        <message>
            <source>No edits yet</source>
            <translation>هنوز ویرایشی نیست</translation>
        </message>
        <message>
            <source>a colleague</source>
            <translation>یکی از همکاران</translation>
        </message>
        <message>
            <source>Captured by {who}: only they or a manager edit it</source>
            <translation>ثبت‌شده توسط {who}: فقط خود او یا یک مدیر می‌تواند ویرایشش کند</translation>
        </message>
        <message>
            <source>Nothing changed</source>
            <translation>چیزی تغییر نکرد</translation>
        </message>
        <message>
            <source>Saving…</source>
            <translation>در حال ذخیره…</translation>
        </message>
        <message>
            <source>Saved</source>
            <translation>ذخیره شد</translation>
        </message>
        <message>
            <source>Not saved: {0}</source>
            <translation>ذخیره نشد: {0}</translation>
        </message>
    </context>
    <context>
        <name>LeadForm</name>
        <message>
            <source>Notes — Enter saves · Shift+Enter or Ctrl+Enter: new line</source>
            <translation>یادداشت — Enter ذخیره می‌کند · Shift+Enter یا Ctrl+Enter: خط تازه</translation>
        </message>
        <message>
            <source>Discard what you typed? Esc again discards; keep typing to stay.</source>
            <translation>نوشته‌ها دور ریخته شود؟ دوباره Esc دور می‌ریزد؛ برای ماندن به نوشتن ادامه دهید.</translation>
        </message>
        <message>
            <source>New lead</source>
            <translation>سرنخ جدید</translation>
        </message>
        <message>
            <source>Referred by (name or company)</source>
            <translation>معرفی‌شده توسط (نام یا شرکت)</translation>
        </message>
        <message>
            <source>Cancel (Esc)</source>
            <translation>انصراف (Esc)</translation>
        </message>
        <message>
            <source>Save (Enter)</source>
            <translation>ذخیره (Enter)</translation>
        </message>
        <message>
            <source>Walk-in visitor</source>
            <translation>بازدیدکننده بدون کارت</translation>
        </message>
        <message>
            <source>Badge scanned</source>
            <translation>کارت اسکن شد</translation>
        </message>
        <message>
            <source>qualified for sales</source>
            <translation>آماده فروش</translation>
        </message>
        <message>
            <source>nurture</source>
            <translation>نیاز به پرورش</translation>
        </message>
        <message>
            <source> (your rating)</source>
            <translation> (رتبه شما)</translation>
        </message>
        <message>
            <source>Score {0} → suggested {1}{2}; {3}</source>
            <translation>امتیاز {0} ← پیشنهاد {1}{2}؛ {3}</translation>
        </message>
        <message>
            <source>Please answer: </source>
            <translation>لطفاً پاسخ دهید: </translation>
        </message>
        <message>
            <source>Email: {0}</source>
            <translation>ایمیل: {0}</translation>
        </message>
        <message>
            <source>Not saved: {0}</source>
            <translation>ذخیره نشد: {0}</translation>
        </message>
    </context>
    <context>
        <name>Leads</name>
        <message>
            <source>Name</source>
            <translation>نام</translation>
        </message>
        <message>
            <source>Company</source>
            <translation>شرکت</translation>
        </message>
        <message>
            <source>Rating</source>
            <translation>رتبه</translation>
        </message>
        <message>
            <source>Stage</source>
            <translation>مرحله</translation>
        </message>
        <message>
            <source>Staff</source>
            <translation>کارمند</translation>
        </message>
        <message>
            <source>Captured</source>
            <translation>زمان ثبت</translation>
        </message>
        <message>
            <source>Sync</source>
            <translation>همگام‌سازی</translation>
        </message>
        <message>
            <source>Hot</source>
            <translation>داغ</translation>
        </message>
        <message>
            <source>Warm</source>
            <translation>گرم</translation>
        </message>
        <message>
            <source>Cold</source>
            <translation>سرد</translation>
        </message>
        <message>
            <source>To contact</source>
            <translation>برای تماس</translation>
        </message>
        <message>
            <source>In contact</source>
            <translation>در تماس</translation>
        </message>
        <message>
            <source>Follow-up</source>
            <translation>پیگیری</translation>
        </message>
        <message>
            <source>Quote to prepare</source>
            <translation>پیش‌فاکتور باید آماده شود</translation>
        </message>
        <message>
            <source>Quote sent</source>
            <translation>پیش‌فاکتور ارسال شد</translation>
        </message>
        <message>
            <source>Won</source>
            <translation>موفق</translation>
        </message>
        <message>
            <source>Not interested</source>
            <translation>علاقه‌مند نیست</translation>
        </message>
        <message>
            <source>Not queued</source>
            <translation>در صف نیست</translation>
        </message>
        <message>
            <source>Pending</source>
            <translation>در انتظار</translation>
        </message>
        <message>
            <source>Synced</source>
            <translation>همگام شد</translation>
        </message>
        <message>
            <source>Failed</source>
            <translation>ناموفق</translation>
        </message>
        <message>
            <source>{0}  (please delete)</source>
            <translation>{0}  (لطفاً حذف شود)</translation>
        </message>
    </context>
    <context>
        <name>LeadsPage</name>
        <message>
            <source>Searching…</source>
            <translation>در حال جستجو…</translation>
        </message>
        <message>
            <source>Search name, company, e-mail, notes   (Ctrl+F)</source>
            <translation>جستجوی نام، شرکت، ایمیل، یادداشت   (Ctrl+F)</translation>
        </message>
        <message>
            <source>Rating</source>
            <translation>رتبه</translation>
        </message>
        <message>
            <source>Staff</source>
            <translation>کارمند</translation>
        </message>
        <message>
            <source>Day</source>
            <translation>روز</translation>
        </message>
        <message>
            <source>Stage</source>
            <translation>مرحله</translation>
        </message>
        <message>
            <source>Sync</source>
            <translation>همگام‌سازی</translation>
        </message>
        <message>
            <source>Only “please delete”</source>
            <translation>فقط «لطفاً حذف شود»</translation>
        </message>
        <message>
            <source>Could not load: {0}</source>
            <translation>بارگذاری نشد: {0}</translation>
        </message>
        <message>
            <source>{0}: any</source>
            <translation>{0}: همه</translation>
        </message>
    </context>
    <context>
        <name>MailHeaders</name>
        <message>
            <source>From</source>
            <translation>از</translation>
        </message>
        <message>
            <source>To</source>
            <translation>به</translation>
        </message>
        <message>
            <source>Subject</source>
            <translation>موضوع</translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <source>Ready</source>
            <translation>آماده</translation>
        </message>
        <message>
            <source>Quit</source>
            <translation>خروج</translation>
        </message>
    </context>
    <context>
        <name>ManagerPinDialog</name>
        <message>
            <source>Manager PIN</source>
            <translation>رمز مدیر</translation>
        </message>
        <message>
            <source>{action} is for a manager: manager PIN</source>
            <translation>{action} مخصوص مدیر است: رمز مدیر را وارد کنید</translation>
        </message>
        <message>
            <source>Checking…</source>
            <translation>در حال بررسی…</translation>
        </message>
        <message>
            <source>Too many wrong PINs: wait {s} s</source>
            <translation>رمز اشتباه بیش از حد: {s} ثانیه صبر کنید</translation>
        </message>
        <message>
            <source>Not a manager's PIN ({n} tries left)</source>
            <translation>این رمز مدیر نیست ({n} بار دیگر می‌توانید امتحان کنید)</translation>
        </message>
    </context>
    <context>
        <name>Navigation</name>
        <message>
            <source>Sign in</source>
            <translation>ورود</translation>
        </message>
        <message>
            <source>Scan</source>
            <translation>اسکن</translation>
        </message>
        <message>
            <source>Leads</source>
            <translation>سرنخ‌ها</translation>
        </message>
        <message>
            <source>Dashboard</source>
            <translation>داشبورد</translation>
        </message>
        <message>
            <source>Follow-ups</source>
            <translation>پیگیری‌ها</translation>
        </message>
        <message>
            <source>CRM sync</source>
            <translation>ارسال به CRM</translation>
        </message>
        <message>
            <source>Event settings</source>
            <translation>تنظیمات رویداد</translation>
        </message>
        <message>
            <source>Results</source>
            <translation>نتایج</translation>
        </message>
        <message>
            <source>Deletion requests</source>
            <translation>موارد حذف</translation>
        </message>
        <message>
            <source>Audit log</source>
            <translation>گزارش ممیزی</translation>
        </message>
    </context>
    <context>
        <name>OnScreenKeyboard</name>
        <message>
            <source>Latin letters</source>
            <translation>حروف لاتین</translation>
        </message>
    </context>
    <context>
        <name>PinPad</name>
        <message>
            <source>Wrong PIN</source>
            <translation>رمز اشتباه</translation>
        </message>
        <message>
            <source>Staff PIN</source>
            <translation>رمز کارکنان</translation>
        </message>
        <message>
            <source>Backspace</source>
            <translation>پاک کردن</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>انصراف</translation>
        </message>
        <message>
            <source>OK</source>
            <translation>تأیید</translation>
        </message>
        <message>
            <source>Enter</source>
            <translation>تأیید</translation>
        </message>
    </context>
    <context>
        <name>QLineEdit</name>
        <message>
            <source>&amp;Undo</source>
            <translation>&amp;واگرد</translation>
        </message>
        <message>
            <source>&amp;Redo</source>
            <translation>&amp;ازنو</translation>
        </message>
        <message>
            <source>Cu&amp;t</source>
            <translation>&amp;برش</translation>
        </message>
        <message>
            <source>&amp;Copy</source>
            <translation>&amp;رونوشت</translation>
        </message>
        <message>
            <source>&amp;Paste</source>
            <translation>&amp;چسباندن</translation>
        </message>
        <message>
            <source>Delete</source>
            <translation>حذف</translation>
        </message>
        <message>
            <source>Select All</source>
            <translation>انتخاب همه</translation>
        </message>
    </context>
    <context>
        <name>QMessageBox</name>
        <message>
            <source>Show Details...</source>
            <translation>نمایش جزئیات...</translation>
        </message>
        <message>
            <source>Hide Details...</source>
            <translation>پنهان کردن جزئیات...</translation>
        </message>
    </context>
    <context>
        <name>QPlatformTheme</name>
        <message>
            <source>OK</source>
            <translation>تأیید</translation>
        </message>
        <message>
            <source>Save</source>
            <translation>ذخیره</translation>
        </message>
        <message>
            <source>Open</source>
            <translation>باز کردن</translation>
        </message>
        <message>
            <source>&amp;Yes</source>
            <translation>&amp;بله</translation>
        </message>
        <message>
            <source>&amp;No</source>
            <translation>&amp;خیر</translation>
        </message>
        <message>
            <source>Close</source>
            <translation>بستن</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>لغو</translation>
        </message>
        <message>
            <source>Discard</source>
            <translation>دور انداختن</translation>
        </message>
        <message>
            <source>Apply</source>
            <translation>اعمال</translation>
        </message>
        <message>
            <source>Reset</source>
            <translation>بازنشانی</translation>
        </message>
        <message>
            <source>Retry</source>
            <translation>تلاش دوباره</translation>
        </message>
        <message>
            <source>Ignore</source>
            <translation>نادیده گرفتن</translation>
        </message>
        <message>
            <source>Abort</source>
            <translation>توقف</translation>
        </message>
        <message>
            <source>Help</source>
            <translation>راهنما</translation>
        </message>
    </context>
    <context>
        <name>QWidgetTextControl</name>
        <message>
            <source>&amp;Undo</source>
            <translation>&amp;واگرد</translation>
        </message>
        <message>
            <source>&amp;Redo</source>
            <translation>&amp;ازنو</translation>
        </message>
        <message>
            <source>Cu&amp;t</source>
            <translation>&amp;برش</translation>
        </message>
        <message>
            <source>&amp;Copy</source>
            <translation>&amp;رونوشت</translation>
        </message>
        <message>
            <source>Copy &amp;Link Location</source>
            <translation>رونوشت &amp;نشانی پیوند</translation>
        </message>
        <message>
            <source>&amp;Paste</source>
            <translation>&amp;چسباندن</translation>
        </message>
        <message>
            <source>Delete</source>
            <translation>حذف</translation>
        </message>
        <message>
            <source>Select All</source>
            <translation>انتخاب همه</translation>
        </message>
    </context>
    <context>
        <name>QWizard</name>
        <message>
            <source>&lt; &amp;Back</source>
            <translation>&lt; &amp;قبلی</translation>
        </message>
        <message>
            <source>&amp;Next &gt;</source>
            <translation>&amp;بعدی &gt;</translation>
        </message>
        <message>
            <source>&amp;Finish</source>
            <translation>&amp;پایان</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>لغو</translation>
        </message>
        <message>
            <source>&amp;Help</source>
            <translation>&amp;راهنما</translation>
        </message>
    </context>
    <context>
        <name>QuestionInput</name>
        <message>
            <source>Key {0}</source>
            <translation>کلید {0}</translation>
        </message>
    </context>
    <context>
        <name>QuestionsPage</name>
        <message>
            <source>What interests you?</source>
            <translation>به چه چیزی علاقه دارید؟</translation>
        </message>
        <message>
            <source>Back</source>
            <translation>بازگشت</translation>
        </message>
        <message>
            <source>Next</source>
            <translation>بعدی</translation>
        </message>
    </context>
    <context>
        <name>RecoveryKeyPage</name>
        <message>
            <source>Recovery key</source>
            <translation>کلید بازیابی</translation>
        </message>
        <message>
            <source>The lead database is encrypted. Print this key or write it down and keep it away from this laptop: it opens the database on another computer.</source>
            <translation>پایگاه داده سرنخ‌ها رمزگذاری شده است. این کلید را چاپ یا یادداشت کنید و جدا از این لپ‌تاپ نگه دارید: با آن پایگاه داده روی رایانه دیگری باز می‌شود.</translation>
        </message>
        <message>
            <source>On this computer the key is kept in %1.</source>
            <translation>در این رایانه کلید در %1 نگه داشته می‌شود.</translation>
        </message>
        <message>
            <source>No system keyring was found: the key sits in a file beside the database, so the encryption protects a copy of the database, not this folder.</source>
            <translation>جاکلیدی سیستم پیدا نشد: کلید در فایلی کنار پایگاه داده است، پس رمزگذاری از رونوشت پایگاه داده محافظت می‌کند، نه از این پوشه.</translation>
        </message>
        <message>
            <source>Copy</source>
            <translation>کپی</translation>
        </message>
        <message>
            <source>Print…</source>
            <translation>چاپ…</translation>
        </message>
        <message>
            <source>I have printed or written down the recovery key</source>
            <translation>کلید بازیابی را چاپ یا یادداشت کردم</translation>
        </message>
        <message>
            <source>BoothApp database recovery key</source>
            <translation>کلید بازیابی پایگاه داده BoothApp</translation>
        </message>
        <message>
            <source>Type it into “boothapp db restore-key” on another computer.</source>
            <translation>در رایانه دیگر آن را در «boothapp db restore-key» وارد کنید.</translation>
        </message>
    </context>
    <context>
        <name>RestoreKeyDialog</name>
        <message>
            <source>Database key needed</source>
            <translation>کلید پایگاه داده لازم است</translation>
        </message>
        <message>
            <source>This computer has no key for the encrypted lead database. Type the recovery key the manager printed at set-up (or see “boothapp db recovery-key” on the laptop that made it).</source>
            <translation>این رایانه کلید پایگاه داده رمزگذاری‌شده سرنخ‌ها را ندارد. کلید بازیابی‌ای را که مدیر هنگام راه‌اندازی چاپ کرد وارد کنید (یا روی لپ‌تاپی که آن را ساخته «boothapp db recovery-key» را ببینید).</translation>
        </message>
        <message>
            <source>Recovery key</source>
            <translation>کلید بازیابی</translation>
        </message>
        <message>
            <source>Open database</source>
            <translation>باز کردن پایگاه داده</translation>
        </message>
    </context>
    <context>
        <name>ResultsPage</name>
        <message>
            <source>Results: {0}</source>
            <translation>نتایج: {0}</translation>
        </message>
        <message>
            <source>Refresh</source>
            <translation>به‌روزرسانی</translation>
        </message>
        <message>
            <source>Pull deals from CRM</source>
            <translation>دریافت معامله‌ها از CRM</translation>
        </message>
        <message>
            <source>Compare with… (none)</source>
            <translation>مقایسه با… (هیچ)</translation>
        </message>
        <message>
            <source>Open this page (F8) or press Refresh to work out the results.</source>
            <translation>برای محاسبه نتایج این صفحه را باز کنید (F8) یا «به‌روزرسانی» را بزنید.</translation>
        </message>
        <message>
            <source>Working out the results…</source>
            <translation>در حال محاسبه نتایج…</translation>
        </message>
        <message>
            <source>Reading deals back from the CRM…</source>
            <translation>در حال خواندن معامله‌ها از CRM…</translation>
        </message>
        <message>
            <source>Results not available: {0}</source>
            <translation>نتایج در دسترس نیست: {0}</translation>
        </message>
        <message>
            <source>(nobody)</source>
            <translation>(هیچ‌کس)</translation>
        </message>
        <message>
            <source>From {0} leads, their follow-ups and the deals pulled back from the CRM · as of {1}</source>
            <translation>بر پایه {0} سرنخ، پیگیری‌هایشان و معامله‌های دریافتی از CRM · تا {1}</translation>
        </message>
        <message>
            <source>Compare with {0}</source>
            <translation>مقایسه با {0}</translation>
        </message>
        <message>
            <source>Headline</source>
            <translation>خلاصه</translation>
        </message>
        <message>
            <source>Figure</source>
            <translation>شاخص</translation>
        </message>
        <message>
            <source>Value</source>
            <translation>مقدار</translation>
        </message>
        <message>
            <source>Side by side with {0}</source>
            <translation>در کنار {0}</translation>
        </message>
        <message>
            <source>Funnel</source>
            <translation>قیف فروش</translation>
        </message>
        <message>
            <source>Money</source>
            <translation>درآمد</translation>
        </message>
        <message>
            <source>Currency</source>
            <translation>واحد پول</translation>
        </message>
        <message>
            <source>Pipeline</source>
            <translation>روند فروش</translation>
        </message>
        <message>
            <source>Won</source>
            <translation>موفق</translation>
        </message>
        <message>
            <source>Open</source>
            <translation>باز کردن</translation>
        </message>
        <message>
            <source>Lost</source>
            <translation>از دست رفته</translation>
        </message>
        <message>
            <source>Won/open/lost</source>
            <translation>موفق/باز/ازدست‌رفته</translation>
        </message>
        <message>
            <source>No deals yet: “Pull deals from CRM” brings them back.</source>
            <translation>هنوز معامله‌ای نیست: «دریافت معامله‌ها از CRM» آن‌ها را می‌آورد.</translation>
        </message>
        <message>
            <source>Speed to lead</source>
            <translation>سرعت پاسخ به سرنخ</translation>
        </message>
        <message>
            <source>First contact</source>
            <translation>اولین تماس</translation>
        </message>
        <message>
            <source>Leads</source>
            <translation>سرنخ‌ها</translation>
        </message>
        <message>
            <source>Meeting</source>
            <translation>جلسه</translation>
        </message>
        <message>
            <source>95 % interval</source>
            <translation>بازه ۹۵٪</translation>
        </message>
        <message>
            <source>Did 'hot' predict won? By rating</source>
            <translation>آیا «داغ» موفقیت را پیش‌بینی کرد؟ بر اساس رتبه</translation>
        </message>
        <message>
            <source>Rating</source>
            <translation>رتبه</translation>
        </message>
        <message>
            <source>By rep</source>
            <translation>بر اساس نماینده</translation>
        </message>
        <message>
            <source>Rep</source>
            <translation>نماینده</translation>
        </message>
        <message>
            <source>First touch that got an answer</source>
            <translation>اولین تماسی که پاسخ گرفت</translation>
        </message>
        <message>
            <source>Weekday</source>
            <translation>روز هفته</translation>
        </message>
        <message>
            <source>First touches</source>
            <translation>اولین تماس‌ها</translation>
        </message>
        <message>
            <source>Answered</source>
            <translation>پاسخ‌داده</translation>
        </message>
        <message>
            <source>Rate</source>
            <translation>نرخ</translation>
        </message>
        <message>
            <source>Where leads sit now</source>
            <translation>سرنخ‌ها اکنون کجا هستند</translation>
        </message>
        <message>
            <source>Stage</source>
            <translation>مرحله</translation>
        </message>
        <message>
            <source>Median days</source>
            <translation>میانه روزها</translation>
        </message>
        <message>
            <source>Longest</source>
            <translation>بیشترین</translation>
        </message>
    </context>
    <context>
        <name>RosterImportDialog</name>
        <message>
            <source>Badge / registration id</source>
            <translation>شناسه کارت / ثبت‌نام</translation>
        </message>
        <message>
            <source>Token</source>
            <translation>توکن</translation>
        </message>
        <message>
            <source>First name</source>
            <translation>نام</translation>
        </message>
        <message>
            <source>Last name</source>
            <translation>نام خانوادگی</translation>
        </message>
        <message>
            <source>Full name</source>
            <translation>نام کامل</translation>
        </message>
        <message>
            <source>Email</source>
            <translation>ایمیل</translation>
        </message>
        <message>
            <source>Company</source>
            <translation>شرکت</translation>
        </message>
        <message>
            <source>Job title</source>
            <translation>سمت</translation>
        </message>
        <message>
            <source>Phone</source>
            <translation>تلفن</translation>
        </message>
        <message>
            <source>Country</source>
            <translation>کشور</translation>
        </message>
        <message>
            <source>City</source>
            <translation>شهر</translation>
        </message>
        <message>
            <source>Website / LinkedIn</source>
            <translation>وب‌سایت / لینکدین</translation>
        </message>
        <message>
            <source>Registration type</source>
            <translation>نوع ثبت‌نام</translation>
        </message>
        <message>
            <source>(not in the file)</source>
            <translation>(در فایل نیست)</translation>
        </message>
        <message>
            <source>Import the roster — {0}</source>
            <translation>ورود فهرست شرکت‌کنندگان — {0}</translation>
        </message>
        <message>
            <source>The organiser's attendee list (CSV or Excel) lets id-only badges show the visitor's name and company offline.</source>
            <translation>فهرست شرکت‌کنندگان برگزارکننده (CSV یا اکسل) باعث می‌شود کارت‌هایی که فقط شناسه دارند، نام و شرکت بازدیدکننده را بدون اینترنت نشان دهند.</translation>
        </message>
        <message>
            <source>No file chosen</source>
            <translation>فایلی انتخاب نشده</translation>
        </message>
        <message>
            <source>Choose file…</source>
            <translation>انتخاب فایل…</translation>
        </message>
        <message>
            <source>Import</source>
            <translation>وارد کردن</translation>
        </message>
        <message>
            <source>Close</source>
            <translation>بستن</translation>
        </message>
        <message>
            <source>Roster file</source>
            <translation>فایل فهرست</translation>
        </message>
        <message>
            <source>Rosters (*.csv *.txt *.xlsx *.xls *.ods);;All files (*)</source>
            <translation>فهرست‌ها (*.csv *.txt *.xlsx *.xls *.ods);;همه فایل‌ها (*)</translation>
        </message>
        <message>
            <source>Reading…</source>
            <translation>در حال خواندن…</translation>
        </message>
        <message>
            <source>ready to import</source>
            <translation>آماده ورود</translation>
        </message>
        <message>
            <source>read</source>
            <translation>خوانده شد</translation>
        </message>
        <message>
            <source>, delimiter {0!r}</source>
            <translation>، جداکننده {0!r}</translation>
        </message>
        <message>
            <source>{0} attendees {1}, {2} rows rejected (encoding {3}{4}).</source>
            <translation>{0} شرکت‌کننده {1}، {2} ردیف رد شد (کدگذاری {3}{4}).</translation>
        </message>
        <message>
            <source>{0} attendees added, {1} updated, {2} rows rejected; {3} in the roster now.</source>
            <translation>{0} شرکت‌کننده افزوده شد، {1} به‌روز شد، {2} ردیف رد شد؛ اکنون {3} نفر در فهرست است.</translation>
        </message>
        <message>
            <source>line {0}: {1}</source>
            <translation>سطر {0}: {1}</translation>
        </message>
        <message>
            <source>Importing…</source>
            <translation>در حال ورود…</translation>
        </message>
        <message>
            <source>Not imported: {0}</source>
            <translation>وارد نشد: {0}</translation>
        </message>
    </context>
    <context>
        <name>ScanPage</name>
        <message>
            <source>Keep last visitor</source>
            <translation>آخرین بازدیدکننده بماند</translation>
        </message>
        <message>
            <source>Hide after 10 s</source>
            <translation>پنهان پس از ۱۰ ثانیه</translation>
        </message>
        <message>
            <source>Hide after 30 s</source>
            <translation>پنهان پس از ۳۰ ثانیه</translation>
        </message>
        <message>
            <source>Hide after 1 min</source>
            <translation>پنهان پس از ۱ دقیقه</translation>
        </message>
        <message>
            <source> on {when}</source>
            <translation> در {when}</translation>
        </message>
        <message>
            <source>someone</source>
            <translation>کسی</translation>
        </message>
        <message>
            <source>another device</source>
            <translation>دستگاهی دیگر</translation>
        </message>
        <message>
            <source>Scanned before by {who}{at} ({device}): this is the existing lead, no duplicate made.</source>
            <translation>قبلاً {who}{at} اسکن کرده ({device}): این همان سرنخ موجود است، نسخه تکراری ساخته نشد.</translation>
        </message>
        <message>
            <source>someone on this device</source>
            <translation>کسی روی همین دستگاه</translation>
        </message>
        <message>
            <source>Scanned before by {who}{at}: this is the existing lead, no duplicate made.</source>
            <translation>قبلاً {who}{at} اسکن کرده: این همان سرنخ موجود است، نسخه تکراری ساخته نشد.</translation>
        </message>
        <message>
            <source>Hub: connecting…</source>
            <translation>هاب: در حال اتصال…</translation>
        </message>
        <message>
            <source>all changes shared</source>
            <translation>همه تغییرات به اشتراک گذاشته شد</translation>
        </message>
        <message>
            <source>Hub online · {waiting}</source>
            <translation>هاب برخط · {waiting}</translation>
        </message>
        <message>
            <source>Hub refused this device (revoked or wrong password) · {waiting}</source>
            <translation>هاب این دستگاه را نپذیرفت (لغو شده یا گذرواژه نادرست) · {waiting}</translation>
        </message>
        <message>
            <source>Hub's certificate not accepted (TLS), leads are kept here · {waiting}</source>
            <translation>گواهی هاب پذیرفته نشد (TLS)، سرنخ‌ها اینجا نگه داشته می‌شوند · {waiting}</translation>
        </message>
        <message>
            <source>Hub needs an upgrade (boothapp hub init), leads are kept here · {waiting}</source>
            <translation>هاب باید به‌روز شود (boothapp hub init)، سرنخ‌ها اینجا نگه داشته می‌شوند · {waiting}</translation>
        </message>
        <message>
            <source>Hub error, leads are kept here · {waiting}</source>
            <translation>خطای هاب، سرنخ‌ها اینجا نگه داشته می‌شوند · {waiting}</translation>
        </message>
        <message>
            <source>Hub offline, leads are kept here · {waiting}</source>
            <translation>هاب قطع است، سرنخ‌ها اینجا نگه داشته می‌شوند · {waiting}</translation>
        </message>
        <message>
            <source>Camera off</source>
            <translation>دوربین خاموش</translation>
        </message>
        <message>
            <source>A handheld scanner still works.</source>
            <translation>اسکنر دستی همچنان کار می‌کند.</translation>
        </message>
        <message>
            <source>Walk-in (F5)</source>
            <translation>بدون کارت (F5)</translation>
        </message>
        <message>
            <source>A visitor without a badge: type their details</source>
            <translation>بازدیدکننده بدون کارت: مشخصاتش را وارد کنید</translation>
        </message>
        <message>
            <source>Badge photo</source>
            <translation>عکس کارت</translation>
        </message>
        <message>
            <source>The badge cannot be read: keep a photo to type it in later</source>
            <translation>کارت خوانده نمی‌شود: عکسش را نگه دارید تا بعداً وارد کنید</translation>
        </message>
        <message>
            <source>Ready to scan</source>
            <translation>آماده اسکن</translation>
        </message>
        <message>
            <source>Hold a badge up to the camera, or scan it with the handheld scanner.
F5: walk-in without badge · F6: photo of a business card</source>
            <translation>کارت را جلوی دوربین بگیرید یا با اسکنر دستی بخوانید.
F5: بازدیدکننده بدون کارت · F6: عکس کارت ویزیت</translation>
        </message>
        <message>
            <source>Hide the last visitor's name and company from the screen</source>
            <translation>پنهان کردن نام و شرکت آخرین بازدیدکننده از صفحه</translation>
        </message>
        <message>
            <source>Just captured</source>
            <translation>تازه ثبت‌شده‌ها</translation>
        </message>
        <message>
            <source>Sign in first: badges seen by the camera are not kept.</source>
            <translation>اول وارد شوید: کارت‌هایی که دوربین می‌بیند ثبت نمی‌شوند.</translation>
        </message>
        <message>
            <source>Another badge was seen by the camera: save or cancel this lead first.</source>
            <translation>دوربین کارت دیگری دید: اول این سرنخ را ذخیره یا لغو کنید.</translation>
        </message>
        <message>
            <source>Unreadable: the scanner sent nothing usable</source>
            <translation>خوانده نشد: اسکنر چیز قابل استفاده‌ای نفرستاد</translation>
        </message>
        <message>
            <source>Next visitor's badge is read: it opens when you save or cancel this lead.</source>
            <translation>کارت بازدیدکننده بعدی خوانده شد: با ذخیره یا لغو این سرنخ باز می‌شود.</translation>
        </message>
        <message>
            <source>Next visitor waiting</source>
            <translation>بازدیدکننده بعدی منتظر است</translation>
        </message>
        <message>
            <source>Badge read</source>
            <translation>کارت خوانده شد</translation>
        </message>
        <message>
            <source>Scan not kept: {0}</source>
            <translation>اسکن ثبت نشد: {0}</translation>
        </message>
        <message>
            <source>Scanned before: {0}</source>
            <translation>قبلاً اسکن شده: {0}</translation>
        </message>
        <message>
            <source>Unreadable badge: </source>
            <translation>کارت ناخوانا: </translation>
        </message>
        <message>
            <source>new visitor</source>
            <translation>بازدیدکننده جدید</translation>
        </message>
        <message>
            <source>New lead: {0}</source>
            <translation>سرنخ جدید: {0}</translation>
        </message>
        <message>
            <source>Badge scanned</source>
            <translation>کارت اسکن شد</translation>
        </message>
        <message>
            <source>✔ {0}</source>
            <translation>✔ {0}</translation>
        </message>
        <message>
            <source>No camera picture to keep. Use 'walk-in' and type the name.</source>
            <translation>تصویری برای نگه داشتن نیست. «بدون کارت» را بزنید و نام را بنویسید.</translation>
        </message>
        <message>
            <source>Photo kept to resolve later ({0}). Type what you can read: F5.</source>
            <translation>عکس برای رسیدگی بعدی نگه داشته شد ({0}). هرچه می‌توانید بخوانید وارد کنید: F5.</translation>
        </message>
        <message>
            <source>Photo not kept: {0}</source>
            <translation>عکس نگه داشته نشد: {0}</translation>
        </message>
        <message>
            <source>{0} · {1} · {2}</source>
            <translation>{0} · {1} · {2}</translation>
        </message>
        <message>
            <source>Saved {0}. Next visitor!</source>
            <translation>{0} ذخیره شد. بازدیدکننده بعدی!</translation>
        </message>
        <message>
            <source>Hide after {0} s</source>
            <translation>پنهان پس از {0} ثانیه</translation>
        </message>
        <message>
            <source>{0} visitor(s) hidden for privacy</source>
            <translation>{0} بازدیدکننده برای حفظ حریم خصوصی پنهان شد</translation>
        </message>
    </context>
    <context>
        <name>ScanStep</name>
        <message>
            <source>Hold your badge up to the camera</source>
            <translation>کارت شناسایی خود را جلوی دوربین بگیرید</translation>
        </message>
        <message>
            <source>No badge? Type your details</source>
            <translation>کارت ندارید؟ مشخصات خود را وارد کنید</translation>
        </message>
        <message>
            <source>Start over</source>
            <translation>شروع دوباره</translation>
        </message>
    </context>
    <context>
        <name>SettingsForm</name>
        <message>
            <source>Id</source>
            <translation>شناسه</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>نام</translation>
        </message>
        <message>
            <source>Time zone</source>
            <translation>منطقه زمانی</translation>
        </message>
        <message>
            <source>Hours</source>
            <translation>ساعت‌ها</translation>
        </message>
        <message>
            <source>(question)</source>
            <translation>(پرسش)</translation>
        </message>
        <message>
            <source>Required on the booth form</source>
            <translation>در فرم غرفه الزامی است</translation>
        </message>
        <message>
            <source>Add option</source>
            <translation>افزودن گزینه</translation>
        </message>
        <message>
            <source>Remove option</source>
            <translation>حذف گزینه</translation>
        </message>
        <message>
            <source>Questions, options and translations</source>
            <translation>پرسش‌ها، گزینه‌ها و ترجمه‌ها</translation>
        </message>
        <message>
            <source>Rating thresholds and targets</source>
            <translation>آستانه‌های رتبه و هدف‌ها</translation>
        </message>
        <message>
            <source>Warm from (score)</source>
            <translation>گرم از (امتیاز)</translation>
        </message>
        <message>
            <source>Hot from (score)</source>
            <translation>داغ از (امتیاز)</translation>
        </message>
        <message>
            <source>The dashboard measures each person's day against it</source>
            <translation>داشبورد روز هر نفر را با این می‌سنجد</translation>
        </message>
        <message>
            <source>Leads per person per day</source>
            <translation>سرنخ برای هر نفر در روز</translation>
        </message>
        <message>
            <source>until erased</source>
            <translation>تا زمان حذف</translation>
        </message>
        <message>
            <source> days</source>
            <translation> روز</translation>
        </message>
        <message>
            <source>Leads neither synced nor won are erased this long after capture</source>
            <translation>سرنخ‌هایی که نه همگام شده‌اند و نه موفق، این مدت پس از ثبت حذف می‌شوند</translation>
        </message>
        <message>
            <source>Keep unsynced leads</source>
            <translation>نگه‌داری سرنخ‌های همگام‌نشده</translation>
        </message>
        <message>
            <source>Add rep</source>
            <translation>افزودن نماینده</translation>
        </message>
        <message>
            <source>Remove rep</source>
            <translation>حذف نماینده</translation>
        </message>
        <message>
            <source>Routing reps (who gets leads)</source>
            <translation>مسیریابی (سرنخ‌ها به چه کسی می‌رسد)</translation>
        </message>
        <message>
            <source>Working hours, like 09:00-17:00</source>
            <translation>ساعت کاری، مثلاً 09:00-17:00</translation>
        </message>
        <message>
            <source>Option id</source>
            <translation>شناسه گزینه</translation>
        </message>
        <message>
            <source>Default wording</source>
            <translation>متن پیش‌فرض</translation>
        </message>
    </context>
    <context>
        <name>SetupWizard</name>
        <message>
            <source>Set up your event</source>
            <translation>رویداد خود را راه‌اندازی کنید</translation>
        </message>
        <message>
            <source>Back</source>
            <translation>بازگشت</translation>
        </message>
        <message>
            <source>Next</source>
            <translation>بعدی</translation>
        </message>
        <message>
            <source>Commit</source>
            <translation>تأیید</translation>
        </message>
        <message>
            <source>Finish</source>
            <translation>پایان</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>انصراف</translation>
        </message>
        <message>
            <source>Help</source>
            <translation>راهنما</translation>
        </message>
        <message>
            <source>Could not create the event</source>
            <translation>رویداد ساخته نشد</translation>
        </message>
    </context>
    <context>
        <name>Shell</name>
        <message>
            <source>Welcome to BoothApp</source>
            <translation>به BoothApp خوش آمدید</translation>
        </message>
        <message>
            <source>Welcome! Set up your event, or try BoothApp on a demo event first (no camera needed: a recorded badge feed plays as the camera).</source>
            <translation>خوش آمدید! رویداد خود را راه‌اندازی کنید یا اول BoothApp را روی یک رویداد نمایشی امتحان کنید (دوربین لازم نیست: یک ویدیوی ضبط‌شده از کارت‌ها به‌جای دوربین پخش می‌شود).</translation>
        </message>
        <message>
            <source>Set up my event</source>
            <translation>راه‌اندازی رویداد من</translation>
        </message>
        <message>
            <source>Try the demo</source>
            <translation>امتحان نسخه نمایشی</translation>
        </message>
        <message>
            <source>Preparing the demo event and its badge video…</source>
            <translation>در حال آماده‌سازی رویداد نمایشی و ویدیوی کارت‌ها…</translation>
        </message>
        <message>
            <source>BoothApp demo</source>
            <translation>نسخه نمایشی BoothApp</translation>
        </message>
        <message>
            <source>Demo not available</source>
            <translation>نسخه نمایشی در دسترس نیست</translation>
        </message>
        <message>
            <source>No camera chosen: scan badges with the handheld scanner.</source>
            <translation>دوربینی انتخاب نشده: کارت‌ها را با اسکنر دستی بخوانید.</translation>
        </message>
        <message>
            <source>No camera found. Plug one in (and restart), or use a handheld scanner.</source>
            <translation>دوربینی پیدا نشد. یکی وصل کنید (و دوباره اجرا کنید) یا از اسکنر دستی استفاده کنید.</translation>
        </message>
    </context>
    <context>
        <name>SignInPage</name>
        <message>
            <source>Wrong PIN</source>
            <translation>رمز اشتباه</translation>
        </message>
        <message>
            <source>Too many wrong PINs: try again in {s} s</source>
            <translation>رمز اشتباه بیش از حد: {s} ثانیه دیگر دوباره امتحان کنید</translation>
        </message>
        <message>
            <source>Who is at the booth?</source>
            <translation>چه کسی در غرفه است؟</translation>
        </message>
        <message>
            <source>Tap your name</source>
            <translation>نام خود را لمس کنید</translation>
        </message>
        <message>
            <source>Manager unlock</source>
            <translation>باز کردن قفل توسط مدیر</translation>
        </message>
        <message>
            <source>Language</source>
            <translation>زبان</translation>
        </message>
        <message>
            <source>No staff yet: an event manager adds staff first</source>
            <translation>هنوز کارمندی نیست: اول مدیر رویداد کارکنان را اضافه کند</translation>
        </message>
        <message>
            <source>PIN for {0}</source>
            <translation>رمز {0}</translation>
        </message>
        <message>
            <source>Checking…</source>
            <translation>در حال بررسی…</translation>
        </message>
        <message>
            <source>This staff member cannot sign in any more</source>
            <translation>این کارمند دیگر نمی‌تواند وارد شود</translation>
        </message>
        <message>
            <source>Signed in: {0}</source>
            <translation>واردشده: {0}</translation>
        </message>
        <message>
            <source>Could not sign in: {0}</source>
            <translation>ورود انجام نشد: {0}</translation>
        </message>
        <message>
            <source>Manager PIN to unlock {0}</source>
            <translation>رمز مدیر برای باز کردن قفل {0}</translation>
        </message>
        <message>
            <source>Unlocked by {0}</source>
            <translation>قفل را {0} باز کرد</translation>
        </message>
        <message>
            <source>Too many wrong manager PINs: wait for the countdown</source>
            <translation>رمز اشتباه مدیر بیش از حد: تا پایان شمارش صبر کنید</translation>
        </message>
        <message>
            <source>Wrong manager PIN</source>
            <translation>رمز مدیر اشتباه است</translation>
        </message>
    </context>
    <context>
        <name>SpeedBars</name>
        <message>
            <source>n = {0}</source>
            <translation>n = {0}</translation>
        </message>
        <message>
            <source>Meeting</source>
            <translation>جلسه</translation>
        </message>
        <message>
            <source>Won</source>
            <translation>موفق</translation>
        </message>
    </context>
    <context>
        <name>StaffSetupPage</name>
        <message>
            <source>Booth staff</source>
            <translation>کارکنان غرفه</translation>
        </message>
        <message>
            <source>Add everyone who scans at the booth. Each signs in with a 4-8 digit PIN.</source>
            <translation>همه کسانی را که در غرفه اسکن می‌کنند اضافه کنید. هر نفر با یک رمز ۴ تا ۸ رقمی وارد می‌شود.</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>نام</translation>
        </message>
        <message>
            <source>PIN</source>
            <translation>رمز</translation>
        </message>
        <message>
            <source>Add</source>
            <translation>افزودن</translation>
        </message>
        <message>
            <source>Remove selected</source>
            <translation>حذف موارد انتخاب‌شده</translation>
        </message>
        <message>
            <source>Enter a name</source>
            <translation>یک نام وارد کنید</translation>
        </message>
        <message>
            <source>{0} is already on the list</source>
            <translation>{0} از قبل در فهرست است</translation>
        </message>
    </context>
    <context>
        <name>SyncPage</name>
        <message>
            <source>; retrying at {0:%H:%M}</source>
            <translation>؛ تلاش دوباره ساعت {0:%H:%M}</translation>
        </message>
        <message>
            <source>{0} is not answering{1}</source>
            <translation>{0} پاسخ نمی‌دهد{1}</translation>
        </message>
        <message>
            <source>{0} was not answering; trying one lead</source>
            <translation>{0} پاسخ نمی‌داد؛ با یک سرنخ امتحان می‌شود</translation>
        </message>
        <message>
            <source>Sync now</source>
            <translation>همین حالا همگام‌سازی کن</translation>
        </message>
        <message>
            <source>Pull changes from CRM</source>
            <translation>دریافت تغییرات از CRM</translation>
        </message>
        <message>
            <source>Take the owner and stage that sales changed in the CRM. A booth edit made after the CRM's change is kept and goes out with the next sync.</source>
            <translation>مسئول و مرحله‌ای را که تیم فروش در CRM تغییر داده برمی‌دارد. ویرایشی که در غرفه پس از تغییر CRM انجام شده حفظ می‌شود و با همگام‌سازی بعدی ارسال می‌شود.</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>انصراف</translation>
        </message>
        <message>
            <source>Lead</source>
            <translation>سرنخ</translation>
        </message>
        <message>
            <source>Company</source>
            <translation>شرکت</translation>
        </message>
        <message>
            <source>CRM says</source>
            <translation>پاسخ CRM</translation>
        </message>
        <message>
            <source>Retry failed</source>
            <translation>تلاش دوباره برای ناموفق‌ها</translation>
        </message>
        <message>
            <source>Sync</source>
            <translation>همگام‌سازی</translation>
        </message>
        <message>
            <source>Leads the CRM refused</source>
            <translation>سرنخ‌هایی که CRM نپذیرفت</translation>
        </message>
        <message>
            <source>No CRM set up for this event yet: fill in the settings.</source>
            <translation>هنوز CRM برای این رویداد تنظیم نشده: تنظیمات را پر کنید.</translation>
        </message>
        <message>
            <source>never</source>
            <translation>هرگز</translation>
        </message>
        <message>
            <source>{0}: {1} synced, {2} waiting, {3} failed; last sync {4}</source>
            <translation>{0}: {1} همگام‌شده، {2} در انتظار، {3} ناموفق؛ آخرین همگام‌سازی {4}</translation>
        </message>
        <message>
            <source>Reading back what sales changed in the CRM…</source>
            <translation>در حال خواندن تغییرات تیم فروش در CRM…</translation>
        </message>
        <message>
            <source>Read back {0} of {1} leads</source>
            <translation>{0} از {1} سرنخ خوانده شد</translation>
        </message>
        <message>
            <source>, about {0} left</source>
            <translation>، حدود {0} مانده</translation>
        </message>
        <message>
            <source>{0} of {1} · {2:.0f} leads/min{3}{4}</source>
            <translation>{0} از {1} · {2:.0f} سرنخ در دقیقه{3}{4}</translation>
        </message>
        <message>
            <source>Done: {0} sent, {1} refused.</source>
            <translation>تمام شد: {0} ارسال شد، {1} رد شد.</translation>
        </message>
        <message>
            <source>Paused: {0}</source>
            <translation>متوقف موقت: {0}</translation>
        </message>
        <message>
            <source>Sync cancelled; the rest stays queued.</source>
            <translation>همگام‌سازی لغو شد؛ بقیه در صف می‌مانند.</translation>
        </message>
        <message>
            <source>The CRM refused the credentials: {0}</source>
            <translation>CRM اطلاعات ورود را نپذیرفت: {0}</translation>
        </message>
        <message>
            <source>The CRM set-up needs fixing: {0}</source>
            <translation>تنظیمات CRM باید اصلاح شود: {0}</translation>
        </message>
        <message>
            <source>Stopped for now; the rest stays queued.</source>
            <translation>فعلاً متوقف شد؛ بقیه در صف می‌مانند.</translation>
        </message>
        <message>
            <source>{0} {1}</source>
            <translation>{0} {1}</translation>
        </message>
        <message>
            <source>{0:.0f} s</source>
            <translation>{0:.0f} ثانیه</translation>
        </message>
        <message>
            <source>{0:.0f} min</source>
            <translation>{0:.0f} دقیقه</translation>
        </message>
    </context>
    <context>
        <name>ThanksPage</name>
        <message>
            <source>Thank you, {name}! We will be in touch.</source>
            <translation>سپاسگزاریم، {name}! با شما در تماس خواهیم بود.</translation>
        </message>
        <message>
            <source>Thank you! We will be in touch.</source>
            <translation>سپاسگزاریم! با شما در تماس خواهیم بود.</translation>
        </message>
    </context>
    <context>
        <name>UnfinishedVisitorsDialog</name>
        <message>
            <source>Unfinished visitors</source>
            <translation>بازدیدکنندگان نیمه‌کاره</translation>
        </message>
        <message>
            <source>These badges were scanned but their lead was never saved.</source>
            <translation>این کارت‌ها اسکن شدند، اما سرنخشان هرگز ذخیره نشد.</translation>
        </message>
        <message>
            <source>Visitor</source>
            <translation>بازدیدکننده</translation>
        </message>
        <message>
            <source>Badge</source>
            <translation>کارت</translation>
        </message>
        <message>
            <source>Scanned</source>
            <translation>زمان اسکن</translation>
        </message>
        <message>
            <source>Resume</source>
            <translation>ادامه</translation>
        </message>
        <message>
            <source>Discard</source>
            <translation>کنار گذاشتن</translation>
        </message>
        <message>
            <source>Later</source>
            <translation>بعداً</translation>
        </message>
        <message>
            <source>{name} saved</source>
            <translation>{name} ذخیره شد</translation>
        </message>
        <message>
            <source>Set aside</source>
            <translation>کنار گذاشته شد</translation>
        </message>
    </context>
    <context>
        <name>_Count</name>
        <message numerus="yes">
            <source>%Ln lead(s)</source>
            <translation>
                <numerusform>%Ln سرنخ</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>_HubWords</name>
        <message numerus="yes">
            <source>%n change(s) waiting</source>
            <translation>
                <numerusform>%n تغییر در انتظار</numerusform>
            </translation>
        </message>
    </context>
</TS>
