<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="tr_TR">
    <context>
        <name>AttractPage</name>
        <message>
            <source>Welcome to our booth</source>
            <translation>Standımıza hoş geldiniz</translation>
        </message>
        <message>
            <source>Tap “Scan my badge” to turn the camera on</source>
            <translation>Kamerayı açmak için “Kartımı okut” düğmesine dokunun</translation>
        </message>
        <message>
            <source>Scan my badge</source>
            <translation>Kartımı okut</translation>
        </message>
        <message>
            <source>No badge? Type your details</source>
            <translation>Kartınız yok mu? Bilgilerinizi yazın</translation>
        </message>
    </context>
    <context>
        <name>AuditPage</name>
        <message>
            <source>Audit log: every export, erase and settings change</source>
            <translation>Denetim kaydı: her dışa aktarma, silme ve ayar değişikliği</translation>
        </message>
        <message>
            <source>All actions</source>
            <translation>Tüm işlemler</translation>
        </message>
        <message>
            <source>Refresh</source>
            <translation>Yenile</translation>
        </message>
        <message>
            <source>Action</source>
            <translation>İşlem</translation>
        </message>
        <message>
            <source>Who</source>
            <translation>Kim</translation>
        </message>
        <message>
            <source>Lead</source>
            <translation>Aday</translation>
        </message>
        <message>
            <source>When</source>
            <translation>Zaman</translation>
        </message>
        <message>
            <source>What</source>
            <translation>Ne</translation>
        </message>
        <message>
            <source>Not loaded: {e}</source>
            <translation>Yüklenemedi: {e}</translation>
        </message>
        <message>
            <source>{n} entries</source>
            <translation>{n} kayıt</translation>
        </message>
    </context>
    <context>
        <name>CameraController</name>
        <message>
            <source>No camera</source>
            <translation>Kamera yok</translation>
        </message>
        <message>
            <source>Starting camera…</source>
            <translation>Kamera açılıyor…</translation>
        </message>
        <message>
            <source>Camera stopped</source>
            <translation>Kamera durdu</translation>
        </message>
        <message>
            <source>Camera disconnected — reconnecting…</source>
            <translation>Kamera bağlantısı koptu — yeniden bağlanılıyor…</translation>
        </message>
        <message>
            <source>{0} · {1:.0f} fps · decode {2:.0f} ms</source>
            <translation>{0} · {1:.0f} fps · çözme {2:.0f} ms</translation>
        </message>
    </context>
    <context>
        <name>CameraPicker</name>
        <message>
            <source>Camera {0}: {1}</source>
            <translation>Kamera {0}: {1}</translation>
        </message>
        <message>
            <source>Video file…</source>
            <translation>Video dosyası…</translation>
        </message>
        <message>
            <source>Network camera URL…</source>
            <translation>Ağ kamerası adresi…</translation>
        </message>
        <message>
            <source>No camera (handheld scanner only)</source>
            <translation>Kamera yok (yalnızca el tarayıcısı)</translation>
        </message>
        <message>
            <source>Video or camera recording</source>
            <translation>Video ya da kamera kaydı</translation>
        </message>
        <message>
            <source>Video (*.mp4 *.avi *.mkv *.mov);;All (*)</source>
            <translation>Video (*.mp4 *.avi *.mkv *.mov);;Tümü (*)</translation>
        </message>
        <message>
            <source>Network camera</source>
            <translation>Ağ kamerası</translation>
        </message>
        <message>
            <source>RTSP or HTTP address (rtsp://user:pass@host/stream)</source>
            <translation>RTSP ya da HTTP adresi (rtsp://kullanici:sifre@sunucu/akis)</translation>
        </message>
    </context>
    <context>
        <name>CameraView</name>
        <message>
            <source>Starting camera…</source>
            <translation>Kamera açılıyor…</translation>
        </message>
    </context>
    <context>
        <name>CardCapture</name>
        <message>
            <source>Card (F6)</source>
            <translation>Kartvizit (F6)</translation>
        </message>
        <message>
            <source>Read a business card or a badge without a barcode</source>
            <translation>Kartviziti ya da barkodsuz yaka kartını okut</translation>
        </message>
        <message>
            <source>No camera picture: start the camera and hold the card up to it.</source>
            <translation>Kamera görüntüsü yok: kamerayı açıp kartı önüne tutun.</translation>
        </message>
        <message>
            <source>Reading the card…</source>
            <translation>Kart okunuyor…</translation>
        </message>
        <message>
            <source>Read from a business card: check the fields marked in yellow.</source>
            <translation>Kartvizitten okundu: sarı işaretli alanları kontrol edin.</translation>
        </message>
        <message>
            <source>{0} is already a lead: here it is.</source>
            <translation>{0} zaten kayıtlı bir aday: işte kaydı.</translation>
        </message>
        <message>
            <source>Found in the roster: {0}. Check the fields marked in yellow.</source>
            <translation>Katılımcı listesinde bulundu: {0}. Sarı işaretli alanları kontrol edin.</translation>
        </message>
        <message>
            <source> (it was upside down)</source>
            <translation> (ters tutulmuştu)</translation>
        </message>
        <message>
            <source>Card read in {0:.1f} s{1}.</source>
            <translation>Kart {0:.1f} sn'de okundu{1}.</translation>
        </message>
        <message>
            <source>Check this: the card reader was not sure (or found nothing).</source>
            <translation>Kontrol edin: kart okuyucu emin olamadı (ya da bir şey bulamadı).</translation>
        </message>
        <message>
            <source>The card could not be read: {0}</source>
            <translation>Kart okunamadı: {0}</translation>
        </message>
    </context>
    <context>
        <name>ChannelInSentence</name>
        <message>
            <source>email</source>
            <translation>e-posta</translation>
        </message>
        <message>
            <source>call</source>
            <translation>arama</translation>
        </message>
        <message>
            <source>letter</source>
            <translation>mektup</translation>
        </message>
        <message>
            <source>CRM task</source>
            <translation>CRM görevi</translation>
        </message>
    </context>
    <context>
        <name>Clock</name>
        <message>
            <source>times in {0}</source>
            <translation>saatler {0} saatine göre</translation>
        </message>
    </context>
    <context>
        <name>ConfirmPage</name>
        <message>
            <source>Is this you?</source>
            <translation>Bu siz misiniz?</translation>
        </message>
        <message>
            <source>Yes, it's me</source>
            <translation>Evet, benim</translation>
        </message>
        <message>
            <source>No, not me</source>
            <translation>Hayır, ben değilim</translation>
        </message>
    </context>
    <context>
        <name>ConsentPage</name>
        <message>
            <source>May we contact you?</source>
            <translation>Sizinle iletişime geçebilir miyiz?</translation>
        </message>
        <message>
            <source>Yes, you may contact me by email about your products and this event. I can withdraw this at any time.</source>
            <translation>Evet, ürünleriniz ve bu fuar hakkında benimle e-posta ile iletişime geçebilirsiniz. Bu izni istediğim zaman geri alabilirim.</translation>
        </message>
        <message>
            <source>I agree</source>
            <translation>Kabul ediyorum</translation>
        </message>
        <message>
            <source>Email me the brochure</source>
            <translation>Broşürü e-postayla gönderin</translation>
        </message>
        <message>
            <source>Back</source>
            <translation>Geri</translation>
        </message>
        <message>
            <source>Finish</source>
            <translation>Bitir</translation>
        </message>
    </context>
    <context>
        <name>CrmSettingsBox</name>
        <message>
            <source>Webhook (Zapier, n8n, …)</source>
            <translation>Webhook (Zapier, n8n, …)</translation>
        </message>
        <message>
            <source>Signing secret (HMAC)</source>
            <translation>İmza anahtarı (HMAC)</translation>
        </message>
        <message>
            <source>Intake key</source>
            <translation>Giriş anahtarı</translation>
        </message>
        <message>
            <source>API token (edits, notes, tasks)</source>
            <translation>API belirteci (düzenleme, not, görev)</translation>
        </message>
        <message>
            <source>Private app token</source>
            <translation>Özel uygulama belirteci</translation>
        </message>
        <message>
            <source>CRM settings</source>
            <translation>CRM ayarları</translation>
        </message>
        <message>
            <source>https://crm.example.com</source>
            <translation>https://crm.example.com</translation>
        </message>
        <message>
            <source>the connected app's consumer key</source>
            <translation>bağlı uygulamanın tüketici anahtarı</translation>
        </message>
        <message>
            <source>https://login.salesforce.com</source>
            <translation>https://login.salesforce.com</translation>
        </message>
        <message>
            <source>/path/to/the/folder/another/tool/watches</source>
            <translation>/diger/aracin/izledigi/klasor</translation>
        </message>
        <message>
            <source>Send each lead as soon as it is saved</source>
            <translation>Her aday kaydedilir kaydedilmez gönderilsin</translation>
        </message>
        <message>
            <source>Save settings</source>
            <translation>Ayarları kaydet</translation>
        </message>
        <message>
            <source>Test connection</source>
            <translation>Bağlantıyı dene</translation>
        </message>
        <message>
            <source>Connect Salesforce…</source>
            <translation>Salesforce'a bağlan…</translation>
        </message>
        <message>
            <source>Sign in to Salesforce in your browser; BoothApp keeps the session in the system keyring and renews it by itself.</source>
            <translation>Salesforce'a tarayıcınızdan giriş yapın; BoothApp oturumu sistem anahtarlığında saklar ve kendisi yeniler.</translation>
        </message>
        <message>
            <source>CRM</source>
            <translation>CRM</translation>
        </message>
        <message>
            <source>Address</source>
            <translation>Adres</translation>
        </message>
        <message>
            <source>Folder</source>
            <translation>Klasör</translation>
        </message>
        <message>
            <source>Intake id</source>
            <translation>Giriş kimliği</translation>
        </message>
        <message>
            <source>Portal id</source>
            <translation>Portal kimliği</translation>
        </message>
        <message>
            <source>Campaign id</source>
            <translation>Kampanya kimliği</translation>
        </message>
        <message>
            <source>Consumer key</source>
            <translation>Tüketici anahtarı</translation>
        </message>
        <message>
            <source>Sign-in address</source>
            <translation>Giriş adresi</translation>
        </message>
        <message>
            <source>stored in the system keyring; leave empty to keep</source>
            <translation>sistem anahtarlığında saklı; değiştirmemek için boş bırakın</translation>
        </message>
        <message>
            <source>filled in by Connect</source>
            <translation>Bağlan ile doldurulur</translation>
        </message>
        <message>
            <source>https://hooks.example.com/… (each lead is POSTed here, signed)</source>
            <translation>https://hooks.example.com/… (her aday imzalı olarak buraya POST edilir)</translation>
        </message>
        <message>
            <source>Settings saved.</source>
            <translation>Ayarlar kaydedildi.</translation>
        </message>
        <message>
            <source>Testing…</source>
            <translation>Deneniyor…</translation>
        </message>
        <message>
            <source>Waiting for the Salesforce sign-in in your browser…</source>
            <translation>Tarayıcıda Salesforce girişi bekleniyor…</translation>
        </message>
    </context>
    <context>
        <name>DashboardPage</name>
        <message>
            <source>never</source>
            <translation>hiç</translation>
        </message>
        <message>
            <source>just now</source>
            <translation>az önce</translation>
        </message>
        <message>
            <source>{0} min ago</source>
            <translation>{0} dk önce</translation>
        </message>
        <message>
            <source>{0} h ago</source>
            <translation>{0} sa önce</translation>
        </message>
        <message>
            <source>&lt; 1 min</source>
            <translation>&lt; 1 dk</translation>
        </message>
        <message>
            <source>{0} min</source>
            <translation>{0} dk</translation>
        </message>
        <message>
            <source>{0} h {1:02d} min</source>
            <translation>{0} sa {1:02d} dk</translation>
        </message>
        <message>
            <source>{0} d {1} h</source>
            <translation>{0} gün {1} sa</translation>
        </message>
        <message>
            <source>capture → first contact · no leads yet</source>
            <translation>kayıt → ilk temas · henüz aday yok</translation>
        </message>
        <message>
            <source>capture → first contact · nobody contacted yet, {0:,} waiting</source>
            <translation>kayıt → ilk temas · henüz kimseyle iletişim kurulmadı, {0:,} bekliyor</translation>
        </message>
        <message>
            <source> · {0:,} waiting</source>
            <translation> · {0:,} bekliyor</translation>
        </message>
        <message>
            <source>Leads today</source>
            <translation>Bugünkü adaylar</translation>
        </message>
        <message>
            <source>Rating mix today</source>
            <translation>Bugünkü derece dağılımı</translation>
        </message>
        <message>
            <source>Last sync</source>
            <translation>Son eşitleme</translation>
        </message>
        <message>
            <source>Qualified for sales</source>
            <translation>Satışa hazır</translation>
        </message>
        <message>
            <source>Response time</source>
            <translation>Yanıt süresi</translation>
        </message>
        <message>
            <source>Leads per hour</source>
            <translation>Saat başına aday</translation>
        </message>
        <message>
            <source>Today against target</source>
            <translation>Bugün hedefe göre</translation>
        </message>
        <message>
            <source>Leaderboard (whole show)</source>
            <translation>Sıralama (tüm fuar)</translation>
        </message>
        <message>
            <source>Could not refresh: {0}</source>
            <translation>Yenilenemedi: {0}</translation>
        </message>
        <message>
            <source>{0:,}</source>
            <translation>{0:,}</translation>
        </message>
        <message>
            <source>target {0:,} · {1} hot · {2}</source>
            <translation>hedef {0:,} · {1} sıcak · {2}</translation>
        </message>
        <message>
            <source>
last lead {0}</source>
            <translation>
son aday {0}</translation>
        </message>
        <message>
            <source>&lt;span style='color:{0}'&gt;{1}&lt;/span&gt; · &lt;span style='color:{2}'&gt;{3}&lt;/span&gt; · &lt;span style='color:{4}'&gt;{5}&lt;/span&gt;</source>
            <translation>&lt;span style='color:{0}'&gt;{1}&lt;/span&gt; · &lt;span style='color:{2}'&gt;{3}&lt;/span&gt; · &lt;span style='color:{4}'&gt;{5}&lt;/span&gt;</translation>
        </message>
        <message>
            <source>&lt;span style='color:{0}'&gt;hot&lt;/span&gt; · &lt;span style='color:{1}'&gt;warm&lt;/span&gt; · &lt;span style='color:{2}'&gt;cold&lt;/span&gt;{3}</source>
            <translation>&lt;span style='color:{0}'&gt;sıcak&lt;/span&gt; · &lt;span style='color:{1}'&gt;ılık&lt;/span&gt; · &lt;span style='color:{2}'&gt;soğuk&lt;/span&gt;{3}</translation>
        </message>
        <message>
            <source> · {0} hot</source>
            <translation> · {0} sıcak</translation>
        </message>
        <message>
            <source>SQL to sales{0} · {1:,} MQL to nurture</source>
            <translation>satışa gidiyor{0} · {1:,} aday bilgilendirmede</translation>
        </message>
        <message>
            <source>nothing sent to the CRM yet</source>
            <translation>CRM'e henüz bir şey gönderilmedi</translation>
        </message>
        <message>
            <source>&lt;b&gt;{0}&lt;/b&gt; leads</source>
            <translation>&lt;b&gt;{0}&lt;/b&gt; aday</translation>
        </message>
        <message>
            <source>&lt;table&gt;{0}&lt;/table&gt;</source>
            <translation>&lt;table&gt;{0}&lt;/table&gt;</translation>
        </message>
        <message>
            <source>No leads yet</source>
            <translation>Henüz aday yok</translation>
        </message>
        <message>
            <source>{0} / {1}</source>
            <translation>{0} / {1}</translation>
        </message>
        <message>
            <source>{0} hot</source>
            <translation>{0} sıcak</translation>
        </message>
        <message>
            <source>median, capture → first contact&lt;br&gt;&lt;b&gt;{0}&lt;/b&gt; within {1}&lt;br&gt;{2:,} of {3:,} contacted{4}</source>
            <translation>medyan, kayıt → ilk temas&lt;br&gt;&lt;b&gt;{0}&lt;/b&gt; {1} içinde&lt;br&gt;{3:,} adaydan {2:,} tanesiyle iletişim kuruldu{4}</translation>
        </message>
        <message numerus="yes">
            <source>%n h</source>
            <translation>
                <numerusform>%n saat</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>DeleteReviewPage</name>
        <message>
            <source>Deletion requests: erase for good, or keep</source>
            <translation>Silinecekler: kalıcı olarak silin ya da tutun</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>Ad</translation>
        </message>
        <message>
            <source>Company</source>
            <translation>Şirket</translation>
        </message>
        <message>
            <source>E-mail</source>
            <translation>E-posta</translation>
        </message>
        <message>
            <source>By</source>
            <translation>Kaydeden</translation>
        </message>
        <message>
            <source>Captured</source>
            <translation>Kayıt zamanı</translation>
        </message>
        <message>
            <source>Erase</source>
            <translation>Sil</translation>
        </message>
        <message>
            <source>Gone for good: the lead, its scans, history and mails</source>
            <translation>Kalıcı olarak silinir: aday, okutmaları, geçmişi ve e-postaları</translation>
        </message>
        <message>
            <source>Keep</source>
            <translation>Kalsın</translation>
        </message>
        <message>
            <source>A real visitor: unflag and plan follow-ups again</source>
            <translation>Gerçek bir ziyaretçi: işareti kaldır, takipleri yeniden planla</translation>
        </message>
        <message>
            <source>Not loaded: {e}</source>
            <translation>Yüklenemedi: {e}</translation>
        </message>
        <message>
            <source>Flagged for deletion: {n}</source>
            <translation>Silinmek üzere işaretli: {n}</translation>
        </message>
        <message>
            <source>Erase lead</source>
            <translation>Adayı sil</translation>
        </message>
        <message>
            <source>Erase {name} for good? This cannot be undone.</source>
            <translation>{name} kalıcı olarak silinsin mi? Bu geri alınamaz.</translation>
        </message>
        <message>
            <source>{name} erased</source>
            <translation>{name} silindi</translation>
        </message>
        <message>
            <source>{name} kept and unflagged</source>
            <translation>{name} tutuldu, işareti kaldırıldı</translation>
        </message>
    </context>
    <context>
        <name>DesktopWindow</name>
        <message>
            <source>Follow-up mail: {0}</source>
            <translation>Takip e-postası: {0}</translation>
        </message>
        <message>
            <source>Scan to form: {0:.0f} ms</source>
            <translation>Taramadan forma: {0:.0f} ms</translation>
        </message>
        <message>
            <source>Not signed in</source>
            <translation>Giriş yapılmadı</translation>
        </message>
        <message>
            <source>Lock (Ctrl+L)</source>
            <translation>Kilitle (Ctrl+L)</translation>
        </message>
        <message>
            <source>Deletion requests</source>
            <translation>Silinecekler</translation>
        </message>
        <message>
            <source>Dark/light</source>
            <translation>Koyu/açık</translation>
        </message>
        <message>
            <source>Export…</source>
            <translation>Dışa aktar…</translation>
        </message>
        <message>
            <source>Kiosk mode</source>
            <translation>Kiosk modu</translation>
        </message>
        <message>
            <source>Import roster…</source>
            <translation>Katılımcı listesini içe aktar…</translation>
        </message>
        <message>
            <source>Signed in: {0}</source>
            <translation>Giriş yapan: {0}</translation>
        </message>
        <message>
            <source>Status unknown: {0}</source>
            <translation>Durum bilinmiyor: {0}</translation>
        </message>
        <message>
            <source>Locked: sign in</source>
            <translation>Kilitli: giriş yapın</translation>
        </message>
        <message numerus="yes">
            <source>Retention rule: %n lead(s) past the event's limit erased</source>
            <translation>
                <numerusform>Saklama kuralı: fuarın süresini aşan %n aday silindi</numerusform>
            </translation>
        </message>
        <message>
            <source>Retention rule: {0}</source>
            <translation>Saklama kuralı: {0}</translation>
        </message>
        <message>
            <source>CRM sync</source>
            <translation>CRM eşitleme</translation>
        </message>
        <message>
            <source>Event settings</source>
            <translation>Fuar ayarları</translation>
        </message>
        <message>
            <source>Audit log</source>
            <translation>Denetim kaydı</translation>
        </message>
        <message>
            <source>Signed in: {staff} · manager: {manager}</source>
            <translation>Giriş yapan: {staff} · yönetici: {manager}</translation>
        </message>
        <message>
            <source>Sign in first: the badge was not kept.</source>
            <translation>Önce giriş yapın: kart kaydedilmedi.</translation>
        </message>
        <message>
            <source>Saved {0}</source>
            <translation>{0} kaydedildi</translation>
        </message>
        <message>
            <source>Password not kept: {0}</source>
            <translation>Parola saklanmadı: {0}</translation>
        </message>
        <message>
            <source>Follow-ups: {0} email(s) sent, {1} failed{2}</source>
            <translation>Takipler: {0} e-posta gönderildi, {1} başarısız{2}</translation>
        </message>
        <message>
            <source>No camera chosen: scan badges with the handheld scanner.</source>
            <translation>Kamera seçilmedi: kartları el tarayıcısıyla okutun.</translation>
        </message>
        <message>
            <source>Lead sheet written: {0}</source>
            <translation>Aday sayfası yazıldı: {0}</translation>
        </message>
        <message>
            <source>No lead sheet: {0}</source>
            <translation>Aday sayfası yok: {0}</translation>
        </message>
        <message>
            <source>Export</source>
            <translation>Dışa aktar</translation>
        </message>
        <message>
            <source>CRM: {0}</source>
            <translation>CRM: {0}</translation>
        </message>
        <message>
            <source>CRM sync stopped: {0} (F7)</source>
            <translation>CRM eşitleme durdu: {0} (F7)</translation>
        </message>
    </context>
    <context>
        <name>DetailsPage</name>
        <message>
            <source>Please fill in your name and a valid email</source>
            <translation>Lütfen adınızı ve geçerli bir e-posta girin</translation>
        </message>
        <message>
            <source>Is this you?</source>
            <translation>Bu siz misiniz?</translation>
        </message>
        <message>
            <source>Your details</source>
            <translation>Bilgileriniz</translation>
        </message>
        <message>
            <source>First name</source>
            <translation>Ad</translation>
        </message>
        <message>
            <source>Last name</source>
            <translation>Soyad</translation>
        </message>
        <message>
            <source>Email</source>
            <translation>E-posta</translation>
        </message>
        <message>
            <source>Company</source>
            <translation>Şirket</translation>
        </message>
        <message>
            <source>Job title</source>
            <translation>Unvan</translation>
        </message>
        <message>
            <source>Next</source>
            <translation>İleri</translation>
        </message>
        <message>
            <source>Start over</source>
            <translation>Baştan başla</translation>
        </message>
    </context>
    <context>
        <name>EventDetailsPage</name>
        <message>
            <source>Your event</source>
            <translation>Fuarınız</translation>
        </message>
        <message>
            <source>Where and when is the show? Times of leads and follow-ups use this.</source>
            <translation>Fuar nerede ve ne zaman? Aday ve takip saatleri buna göre gösterilir.</translation>
        </message>
        <message>
            <source>e.g. Hannover Messe 2027</source>
            <translation>ör. Hannover Messe 2027</translation>
        </message>
        <message>
            <source>e.g. Hall 7, C42</source>
            <translation>ör. Salon 7, C42</translation>
        </message>
        <message>
            <source>2-letter code, e.g. DE</source>
            <translation>2 harfli kod, ör. TR</translation>
        </message>
        <message>
            <source>Event name *</source>
            <translation>Fuar adı *</translation>
        </message>
        <message>
            <source>Venue</source>
            <translation>Mekân</translation>
        </message>
        <message>
            <source>Booth</source>
            <translation>Stant</translation>
        </message>
        <message>
            <source>Country</source>
            <translation>Ülke</translation>
        </message>
        <message>
            <source>Time zone *</source>
            <translation>Saat dilimi *</translation>
        </message>
        <message>
            <source>First day</source>
            <translation>İlk gün</translation>
        </message>
        <message>
            <source>Last day</source>
            <translation>Son gün</translation>
        </message>
    </context>
    <context>
        <name>EventSettingsPage</name>
        <message>
            <source>{0}: questions, scoring, rating, routing</source>
            <translation>{0}: sorular, puanlama, derece, yönlendirme</translation>
        </message>
        <message>
            <source>Edit and press Save (Ctrl+S). Changing a rule never rewrites answers already captured; use 'boothapp leads reroute' to route again.</source>
            <translation>Düzenleyip Kaydet'e basın (Ctrl+S). Bir kuralı değiştirmek kayıtlı yanıtları değiştirmez; yeniden yönlendirmek için 'boothapp leads reroute' kullanın.</translation>
        </message>
        <message>
            <source>Form: questions, rating, reps</source>
            <translation>Form: sorular, derece, temsilciler</translation>
        </message>
        <message>
            <source>Everything (YAML)</source>
            <translation>Tümü (YAML)</translation>
        </message>
        <message>
            <source>Check</source>
            <translation>Denetle</translation>
        </message>
        <message>
            <source>Save (Ctrl+S)</source>
            <translation>Kaydet (Ctrl+S)</translation>
        </message>
        <message>
            <source>Revert</source>
            <translation>Geri al</translation>
        </message>
        <message>
            <source>Event settings are for managers.
Ask a manager to sign in (Ctrl+L locks).</source>
            <translation>Fuar ayarları yöneticiler içindir.
Bir yöneticiden giriş yapmasını isteyin (Ctrl+L kilitler).</translation>
        </message>
        <message>
            <source>Unsaved event settings</source>
            <translation>Kaydedilmemiş fuar ayarları</translation>
        </message>
        <message>
            <source>The event settings have unsaved changes.</source>
            <translation>Fuar ayarlarında kaydedilmemiş değişiklikler var.</translation>
        </message>
        <message>
            <source>Save</source>
            <translation>Kaydet</translation>
        </message>
        <message>
            <source>Discard</source>
            <translation>Vazgeç</translation>
        </message>
        <message>
            <source>Stay here</source>
            <translation>Burada kal</translation>
        </message>
        <message>
            <source>Changed: Save (Ctrl+S) to keep it</source>
            <translation>Değişti: saklamak için Kaydet (Ctrl+S)</translation>
        </message>
        <message>
            <source>{0} problem(s): nothing saved</source>
            <translation>{0} sorun: hiçbir şey kaydedilmedi</translation>
        </message>
        <message>
            <source>Looks good</source>
            <translation>Sorun yok</translation>
        </message>
        <message>
            <source>Not saved: {0}</source>
            <translation>Kaydedilmedi: {0}</translation>
        </message>
        <message>
            <source>Saved as revision {0}</source>
            <translation>{0}. sürüm olarak kaydedildi</translation>
        </message>
    </context>
    <context>
        <name>ExportDialog</name>
        <message>
            <source>CSV (Excel, any CRM)</source>
            <translation>CSV (Excel, her CRM)</translation>
        </message>
        <message>
            <source>Excel workbook (XLSX)</source>
            <translation>Excel çalışma kitabı (XLSX)</translation>
        </message>
        <message>
            <source>Post-show report (PDF)</source>
            <translation>Fuar sonrası rapor (PDF)</translation>
        </message>
        <message>
            <source>Export — {0}</source>
            <translation>Dışa aktar — {0}</translation>
        </message>
        <message>
            <source>Choose…</source>
            <translation>Seç…</translation>
        </message>
        <message>
            <source>Excel-friendly CSV (UTF-8 with BOM, accents show right)</source>
            <translation>Excel uyumlu CSV (BOM'lu UTF-8, Türkçe karakterler doğru görünür)</translation>
        </message>
        <message>
            <source>Comma ,</source>
            <translation>Virgül ,</translation>
        </message>
        <message>
            <source>Semicolon ;</source>
            <translation>Noktalı virgül ;</translation>
        </message>
        <message>
            <source>Tab</source>
            <translation>Sekme</translation>
        </message>
        <message>
            <source>Pipe |</source>
            <translation>Dikey çizgi |</translation>
        </message>
        <message>
            <source>Only sales-qualified leads</source>
            <translation>Yalnızca satışa hazır adaylar</translation>
        </message>
        <message>
            <source>Only hot and warm leads</source>
            <translation>Yalnızca sıcak ve ılık adaylar</translation>
        </message>
        <message>
            <source>Leave out leads marked 'please delete'</source>
            <translation>'Lütfen silin' işaretli adayları çıkar</translation>
        </message>
        <message>
            <source>Export</source>
            <translation>Dışa aktar</translation>
        </message>
        <message>
            <source>Open folder</source>
            <translation>Klasörü aç</translation>
        </message>
        <message>
            <source>Cancel export</source>
            <translation>Dışa aktarmayı durdur</translation>
        </message>
        <message>
            <source>Close</source>
            <translation>Kapat</translation>
        </message>
        <message>
            <source>What</source>
            <translation>Ne</translation>
        </message>
        <message>
            <source>File</source>
            <translation>Dosya</translation>
        </message>
        <message>
            <source>CSV delimiter</source>
            <translation>CSV ayırıcı</translation>
        </message>
        <message>
            <source>Filter</source>
            <translation>Süzgeç</translation>
        </message>
        <message>
            <source>Columns</source>
            <translation>Sütunlar</translation>
        </message>
        <message>
            <source>Export to</source>
            <translation>Hedef</translation>
        </message>
        <message>
            <source>Cannot use that folder: {0}</source>
            <translation>Bu klasör kullanılamıyor: {0}</translation>
        </message>
        <message>
            <source>Working…</source>
            <translation>Çalışıyor…</translation>
        </message>
        <message>
            <source>Report on {0} leads written to {1}</source>
            <translation>{0} adaylık rapor {1} konumuna yazıldı</translation>
        </message>
        <message>
            <source>Tick at least one column.</source>
            <translation>En az bir sütun işaretleyin.</translation>
        </message>
        <message>
            <source>{0} leads written to {1}</source>
            <translation>{0} aday {1} konumuna yazıldı</translation>
        </message>
        <message>
            <source>Cancelling…</source>
            <translation>Durduruluyor…</translation>
        </message>
        <message>
            <source>Export cancelled: no file written.</source>
            <translation>Dışa aktarma durduruldu: dosya yazılmadı.</translation>
        </message>
        <message>
            <source>Not exported: {0}</source>
            <translation>Dışa aktarılmadı: {0}</translation>
        </message>
    </context>
    <context>
        <name>Faults</name>
        <message>
            <source>Something went wrong ({0}); what was saved is safe. Details: {1}</source>
            <translation>Bir şeyler ters gitti ({0}); kaydedilenler güvende. Ayrıntılar: {1}</translation>
        </message>
    </context>
    <context>
        <name>FollowUpOutputsBar</name>
        <message>
            <source>Calendar (.ics)…</source>
            <translation>Takvim (.ics)…</translation>
        </message>
        <message>
            <source>Print letters (PDF)…</source>
            <translation>Mektupları yazdır (PDF)…</translation>
        </message>
        <message>
            <source>Put the letters due by today, for every owner, into one PDF to print; they are marked printed and leave the queue ({0})</source>
            <translation>Bugüne kadar gönderilmesi gereken tüm mektupları, her sorumlu için tek bir PDF'te toplar; yazdırıldı olarak işaretlenir ve kuyruktan çıkar ({0})</translation>
        </message>
        <message>
            <source>Open</source>
            <translation>Aç</translation>
        </message>
        <message>
            <source>Show in folder</source>
            <translation>Klasörde göster</translation>
        </message>
        <message>
            <source>Save {0}'s open calls and letters as a calendar file ({1})</source>
            <translation>{0} için açık arama ve mektupları takvim dosyası olarak kaydet ({1})</translation>
        </message>
        <message>
            <source>Choose an owner first: a calendar is one person's follow-ups</source>
            <translation>Önce bir sorumlu seçin: takvim tek kişinin takipleridir</translation>
        </message>
        <message>
            <source>Collecting {0}'s follow-ups…</source>
            <translation>{0} için takipler toplanıyor…</translation>
        </message>
        <message>
            <source>{0} has no open calls or letters: no calendar to save.</source>
            <translation>{0} için açık arama ya da mektup yok: kaydedilecek takvim yok.</translation>
        </message>
        <message>
            <source>Calendar not saved: {0}</source>
            <translation>Takvim kaydedilmedi: {0}</translation>
        </message>
        <message>
            <source>Save {0}'s follow-up calendar</source>
            <translation>{0} takip takvimini kaydet</translation>
        </message>
        <message>
            <source>Calendar (*.ics)</source>
            <translation>Takvim (*.ics)</translation>
        </message>
        <message>
            <source>Saving {0}…</source>
            <translation>{0} kaydediliyor…</translation>
        </message>
        <message>
            <source>{0} for {1} saved to {2}</source>
            <translation>{1} için {0} {2} dosyasına kaydedildi</translation>
        </message>
        <message>
            <source>Looking for letters due…</source>
            <translation>Zamanı gelen mektuplar aranıyor…</translation>
        </message>
        <message>
            <source>Letters not printed: {0}</source>
            <translation>Mektuplar yazdırılmadı: {0}</translation>
        </message>
        <message>
            <source>No letters due by today ({0}): nothing to print.</source>
            <translation>Bugüne kadar ({0}) gönderilecek mektup yok: yazdırılacak bir şey yok.</translation>
        </message>
        <message>
            <source>Save {0} as PDF</source>
            <translation>{0} PDF olarak kaydet</translation>
        </message>
        <message>
            <source>PDF (*.pdf)</source>
            <translation>PDF (*.pdf)</translation>
        </message>
        <message>
            <source>Printing {0} to {1}…</source>
            <translation>{0} {1} dosyasına yazdırılıyor…</translation>
        </message>
        <message>
            <source>Letters not printed: {0}; they stay in the queue.</source>
            <translation>Mektuplar yazdırılmadı: {0}; kuyrukta kalıyorlar.</translation>
        </message>
        <message>
            <source>{0} saved to {1}, marked printed</source>
            <translation>{0} {1} dosyasına kaydedildi, yazdırıldı olarak işaretlendi</translation>
        </message>
    </context>
    <context>
        <name>FollowUpQueuePage</name>
        <message>
            <source>Everyone</source>
            <translation>Herkes</translation>
        </message>
        <message>
            <source>Refresh</source>
            <translation>Yenile</translation>
        </message>
        <message>
            <source>Send email</source>
            <translation>E-posta gönder</translation>
        </message>
        <message>
            <source>It was sent</source>
            <translation>Gönderilmiş</translation>
        </message>
        <message>
            <source>Not sent: send again</source>
            <translation>Gönderilmemiş: yeniden gönder</translation>
        </message>
        <message>
            <source>Owner</source>
            <translation>Sorumlu</translation>
        </message>
        <message>
            <source>{0} (the visitor's own where it differs)</source>
            <translation>{0} (farklıysa ziyaretçinin yerel saati)</translation>
        </message>
        <message>
            <source>Loading…</source>
            <translation>Yükleniyor…</translation>
        </message>
        <message numerus="yes">
            <source>%Ln due</source>
            <translation>
                <numerusform>%Ln bekleyen</numerusform>
            </translation>
        </message>
        <message>
            <source>{0}, {1} overdue</source>
            <translation>{0}, {1} gecikmiş</translation>
        </message>
        <message>
            <source>Nothing due. Well done.</source>
            <translation>Bekleyen iş yok. Eline sağlık.</translation>
        </message>
        <message>
            <source>{0} #{1} · {2}</source>
            <translation>{1}. {0} · {2}</translation>
        </message>
        <message>
            <source>Set up the SMTP server in the event settings first</source>
            <translation>Önce fuar ayarlarında SMTP sunucusunu kurun</translation>
        </message>
        <message>
            <source>Saving {0}…</source>
            <translation>{0} kaydediliyor…</translation>
        </message>
        <message>
            <source>Saving…</source>
            <translation>Kaydediliyor…</translation>
        </message>
        <message>
            <source>Marked sent</source>
            <translation>Gönderildi olarak işaretlendi</translation>
        </message>
        <message>
            <source>Will be sent again</source>
            <translation>Yeniden gönderilecek</translation>
        </message>
        <message>
            <source>Not sent: the mail password is needed</source>
            <translation>Gönderilmedi: e-posta parolası gerekli</translation>
        </message>
        <message>
            <source>Sending…</source>
            <translation>Gönderiliyor…</translation>
        </message>
        <message>
            <source>Sent</source>
            <translation>Gönderildi</translation>
        </message>
        <message>
            <source>Not sent now: outside the lead's sending window or already mailed today; moved to their next slot</source>
            <translation>Şimdi gönderilmedi: adayın gönderim saatleri dışında ya da bugün zaten e-posta aldı; bir sonraki uygun zamana alındı</translation>
        </message>
        <message>
            <source>Not sent: {0}</source>
            <translation>Gönderilmedi: {0}</translation>
        </message>
        <message>
            <source>Not sent: no marketing consent or address</source>
            <translation>Gönderilmedi: pazarlama izni ya da adres yok</translation>
        </message>
        <message>
            <source>Failed: {0}</source>
            <translation>Başarısız: {0}</translation>
        </message>
    </context>
    <context>
        <name>FollowUps</name>
        <message>
            <source>{0} ({1} in {2})</source>
            <translation>{0} ({2} saatiyle {1})</translation>
        </message>
        <message>
            <source>CHECK SENT FOLDER · </source>
            <translation>GÖNDERİLENLERİ KONTROL EDİN · </translation>
        </message>
        <message>
            <source>OVERDUE · </source>
            <translation>GECİKMİŞ · </translation>
        </message>
        <message>
            <source>Language</source>
            <translation>Dil</translation>
        </message>
        <message>
            <source>No further touches: {0}</source>
            <translation>Başka temas yok: {0}</translation>
        </message>
        <message>
            <source>Next: {0} {1} · {2}</source>
            <translation>Sıradaki: {0} {1} · {2}</translation>
        </message>
        <message>
            <source>Email</source>
            <translation>E-posta</translation>
        </message>
        <message>
            <source>Call</source>
            <translation>Arama</translation>
        </message>
        <message>
            <source>Letter</source>
            <translation>Mektup</translation>
        </message>
        <message>
            <source>CRM task</source>
            <translation>CRM görevi</translation>
        </message>
        <message>
            <source>Reached</source>
            <translation>Ulaşıldı</translation>
        </message>
        <message>
            <source>Voicemail</source>
            <translation>Sesli mesaj</translation>
        </message>
        <message>
            <source>No answer</source>
            <translation>Yanıt yok</translation>
        </message>
        <message>
            <source>Not interested</source>
            <translation>İlgilenmiyor</translation>
        </message>
        <message>
            <source>Meeting booked</source>
            <translation>Toplantı ayarlandı</translation>
        </message>
        <message>
            <source>Wrong number</source>
            <translation>Yanlış numara</translation>
        </message>
    </context>
    <context>
        <name>FollowupOutputsBar</name>
        <message>
            <source>{0} - {1} follow-ups</source>
            <translation>{0} - {1} takipleri</translation>
        </message>
        <message>
            <source>{0} - letters {1}</source>
            <translation>{0} - mektuplar {1}</translation>
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
            <translation>E-posta parolası</translation>
        </message>
        <message>
            <source>Password for {0}
(kept in the system keyring, asked once):</source>
            <translation>{0} parolası
(sistem anahtarlığında saklanır, bir kez sorulur):</translation>
        </message>
    </context>
    <context>
        <name>HubFooter</name>
        <message>
            <source>Hub: connecting…</source>
            <translation>Hub: bağlanılıyor…</translation>
        </message>
        <message>
            <source>Hub refused this kiosk</source>
            <translation>Hub bu kioskı kabul etmedi</translation>
        </message>
        <message numerus="yes">
            <source>%n waiting</source>
            <translation>
                <numerusform>%n bekliyor</numerusform>
            </translation>
        </message>
        <message>
            <source>all shared</source>
            <translation>hepsi paylaşıldı</translation>
        </message>
        <message>
            <source>Hub's certificate not accepted (TLS) · {waiting}</source>
            <translation>Hub sertifikası kabul edilmedi (TLS) · {waiting}</translation>
        </message>
        <message>
            <source>Hub needs an upgrade (boothapp hub init) · {waiting}</source>
            <translation>Hub güncellenmeli (boothapp hub init) · {waiting}</translation>
        </message>
        <message>
            <source>Hub error · {waiting}</source>
            <translation>Hub hatası · {waiting}</translation>
        </message>
        <message>
            <source>Hub online · all shared</source>
            <translation>Hub çevrimiçi · hepsi paylaşıldı</translation>
        </message>
        <message>
            <source>Hub offline · all shared</source>
            <translation>Hub çevrimdışı · hepsi paylaşıldı</translation>
        </message>
        <message numerus="yes">
            <source>Hub online · %n waiting</source>
            <translation>
                <numerusform>Hub çevrimiçi · %n bekliyor</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Hub offline · %n waiting</source>
            <translation>
                <numerusform>Hub çevrimdışı · %n bekliyor</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>KioskWindow</name>
        <message>
            <source>{0} — BoothApp kiosk</source>
            <translation>{0} — BoothApp kiosk</translation>
        </message>
        <message>
            <source>Too many wrong PINs. Try again in {s} s</source>
            <translation>Çok fazla yanlış PIN. {s} sn sonra tekrar deneyin</translation>
        </message>
        <message>
            <source>Still there? Starting over in {s} s — touch to continue</source>
            <translation>Orada mısınız? {s} sn içinde baştan başlanacak — devam için dokunun</translation>
        </message>
        <message>
            <source>Sorry, that did not work. Please ask our staff.</source>
            <translation>Üzgünüz, bu işlem başarısız oldu. Lütfen görevlilerimize danışın.</translation>
        </message>
    </context>
    <context>
        <name>LeadDetail</name>
        <message>
            <source>Please delete</source>
            <translation>Lütfen silin</translation>
        </message>
        <message>
            <source>Stage</source>
            <translation>Aşama</translation>
        </message>
        <message>
            <source>Notes</source>
            <translation>Notlar</translation>
        </message>
        <message>
            <source>Rating</source>
            <translation>Derece</translation>
        </message>
        <message>
            <source>Answers</source>
            <translation>Yanıtlar</translation>
        </message>
        <message>
            <source>Owner</source>
            <translation>Sorumlu</translation>
        </message>
        <message>
            <source>someone</source>
            <translation>biri</translation>
        </message>
        <message>
            <source>{0} · {1} · {2}</source>
            <translation>{0} · {1} · {2}</translation>
        </message>
        <message>
            <source>{0} · {1} · {2}: {3} → {4}</source>
            <translation>{0} · {1} · {2}: {3} → {4}</translation>
        </message>
        <message>
            <source>yes</source>
            <translation>evet</translation>
        </message>
        <message>
            <source>no</source>
            <translation>hayır</translation>
        </message>
        <message>
            <source>(empty)</source>
            <translation>(boş)</translation>
        </message>
        <message>
            <source>none planned</source>
            <translation>planlanmış yok</translation>
        </message>
        <message>
            <source>Next: {0} {1} {2}</source>
            <translation>Sıradaki: {0} {1} {2}</translation>
        </message>
        <message>
            <source>No open touches</source>
            <translation>Açık temas yok</translation>
        </message>
        <message>
            <source>{0} done</source>
            <translation>{0} tamamlandı</translation>
        </message>
        <message>
            <source>{0} open</source>
            <translation>{0} açık</translation>
        </message>
        <message>
            <source>{0} need attention (bounced or interrupted)</source>
            <translation>{0} ilgi bekliyor (geri döndü ya da yarıda kaldı)</translation>
        </message>
        <message>
            <source>last: {0}</source>
            <translation>son: {0}</translation>
        </message>
    </context>
    <context>
        <name>LeadDetailPanel</name>
        <message>
            <source>Select a lead</source>
            <translation>Bir aday seçin</translation>
        </message>
        <message>
            <source>Add a note (kept with your name and the time)</source>
            <translation>Not ekleyin (adınız ve saatle saklanır)</translation>
        </message>
        <message>
            <source>(routing decides)</source>
            <translation>(yönlendirme belirler)</translation>
        </message>
        <message>
            <source>Managers change the owner; routing chose it at capture</source>
            <translation>Sorumluyu yöneticiler değiştirir; kayıtta yönlendirme seçti</translation>
        </message>
        <message>
            <source>Save changes (Ctrl+S)</source>
            <translation>Değişiklikleri kaydet (Ctrl+S)</translation>
        </message>
        <message>
            <source>Please delete</source>
            <translation>Lütfen silin</translation>
        </message>
        <message>
            <source>Junk or test entry: an administrator reviews flagged leads; nothing is deleted now</source>
            <translation>Gereksiz ya da deneme kaydı: işaretli adayları bir yönetici inceler; şimdi hiçbir şey silinmez</translation>
        </message>
        <message>
            <source>none planned</source>
            <translation>planlanmış yok</translation>
        </message>
        <message>
            <source>Close (Esc)</source>
            <translation>Kapat (Esc)</translation>
        </message>
        <message>
            <source>Lead sheet (PDF)…</source>
            <translation>Aday sayfası (PDF)…</translation>
        </message>
        <message>
            <source>One page for the rep who takes this lead over</source>
            <translation>Bu adayı devralan temsilci için tek sayfa</translation>
        </message>
        <message>
            <source>Rating</source>
            <translation>Derece</translation>
        </message>
        <message>
            <source>Owner</source>
            <translation>Sorumlu</translation>
        </message>
        <message>
            <source>Stage</source>
            <translation>Aşama</translation>
        </message>
        <message>
            <source>Follow-ups</source>
            <translation>Takipler</translation>
        </message>
        <message>
            <source>Sync</source>
            <translation>Eşitleme</translation>
        </message>
        <message>
            <source>Contact</source>
            <translation>Kişi</translation>
        </message>
        <message>
            <source>Answers</source>
            <translation>Yanıtlar</translation>
        </message>
        <message>
            <source>Notes</source>
            <translation>Notlar</translation>
        </message>
        <message>
            <source>Pipeline</source>
            <translation>Satış hattı</translation>
        </message>
        <message>
            <source>History</source>
            <translation>Geçmiş</translation>
        </message>
        <message>
            <source>Loading…</source>
            <translation>Yükleniyor…</translation>
        </message>
        <message>
            <source>Could not load follow-ups: {0}</source>
            <translation>Takipler yüklenemedi: {0}</translation>
        </message>
        <message>
            <source>Could not open the lead: {0}</source>
            <translation>Aday açılamadı: {0}</translation>
        </message>
        <message>
            <source> by {0}</source>
            <translation> ({0})</translation>
        </message>
        <message>
            <source>{0} · score {1} · captured {2}{3}</source>
            <translation>{0} · puan {1} · kayıt {2}{3}</translation>
        </message>
        <message>
            <source>(none)</source>
            <translation>(yok)</translation>
        </message>
        <message>
            <source>No edits yet</source>
            <translation>Henüz değişiklik yok</translation>
        </message>
        <message>
            <source>a colleague</source>
            <translation>bir ekip arkadaşı</translation>
        </message>
        <message>
            <source>Captured by {who}: only they or a manager edit it</source>
            <translation>{who} kaydetti: yalnızca o ya da bir yönetici değiştirebilir</translation>
        </message>
        <message>
            <source>Nothing changed</source>
            <translation>Değişiklik yok</translation>
        </message>
        <message>
            <source>Saving…</source>
            <translation>Kaydediliyor…</translation>
        </message>
        <message>
            <source>Saved</source>
            <translation>Kaydedildi</translation>
        </message>
        <message>
            <source>Not saved: {0}</source>
            <translation>Kaydedilmedi: {0}</translation>
        </message>
    </context>
    <context>
        <name>LeadForm</name>
        <message>
            <source>Notes — Enter saves · Shift+Enter or Ctrl+Enter: new line</source>
            <translation>Notlar — Enter kaydeder · Shift+Enter ya da Ctrl+Enter: yeni satır</translation>
        </message>
        <message>
            <source>Discard what you typed? Esc again discards; keep typing to stay.</source>
            <translation>Yazdıklarınız silinsin mi? Yeniden Esc silerek çıkar; kalmak için yazmaya devam edin.</translation>
        </message>
        <message>
            <source>New lead</source>
            <translation>Yeni aday</translation>
        </message>
        <message>
            <source>Referred by (name or company)</source>
            <translation>Öneren (ad ya da şirket)</translation>
        </message>
        <message>
            <source>Cancel (Esc)</source>
            <translation>Vazgeç (Esc)</translation>
        </message>
        <message>
            <source>Save (Enter)</source>
            <translation>Kaydet (Enter)</translation>
        </message>
        <message>
            <source>Walk-in visitor</source>
            <translation>Kartsız ziyaretçi</translation>
        </message>
        <message>
            <source>Badge scanned</source>
            <translation>Kart okundu</translation>
        </message>
        <message>
            <source>qualified for sales</source>
            <translation>satışa hazır</translation>
        </message>
        <message>
            <source>nurture</source>
            <translation>bilgilendirilecek</translation>
        </message>
        <message>
            <source> (your rating)</source>
            <translation> (sizin dereceniz)</translation>
        </message>
        <message>
            <source>Score {0} → suggested {1}{2}; {3}</source>
            <translation>Puan {0} → önerilen {1}{2}; {3}</translation>
        </message>
        <message>
            <source>Please answer: </source>
            <translation>Lütfen yanıtlayın: </translation>
        </message>
        <message>
            <source>Email: {0}</source>
            <translation>E-posta: {0}</translation>
        </message>
        <message>
            <source>Not saved: {0}</source>
            <translation>Kaydedilmedi: {0}</translation>
        </message>
    </context>
    <context>
        <name>Leads</name>
        <message>
            <source>Name</source>
            <translation>Ad</translation>
        </message>
        <message>
            <source>Company</source>
            <translation>Şirket</translation>
        </message>
        <message>
            <source>Rating</source>
            <translation>Derece</translation>
        </message>
        <message>
            <source>Stage</source>
            <translation>Aşama</translation>
        </message>
        <message>
            <source>Staff</source>
            <translation>Personel</translation>
        </message>
        <message>
            <source>Captured</source>
            <translation>Kayıt zamanı</translation>
        </message>
        <message>
            <source>Sync</source>
            <translation>Eşitleme</translation>
        </message>
        <message>
            <source>Hot</source>
            <translation>Sıcak</translation>
        </message>
        <message>
            <source>Warm</source>
            <translation>Ilık</translation>
        </message>
        <message>
            <source>Cold</source>
            <translation>Soğuk</translation>
        </message>
        <message>
            <source>To contact</source>
            <translation>Aranacak</translation>
        </message>
        <message>
            <source>In contact</source>
            <translation>Görüşülüyor</translation>
        </message>
        <message>
            <source>Follow-up</source>
            <translation>Takipte</translation>
        </message>
        <message>
            <source>Quote to prepare</source>
            <translation>Teklif hazırlanacak</translation>
        </message>
        <message>
            <source>Quote sent</source>
            <translation>Teklif gönderildi</translation>
        </message>
        <message>
            <source>Won</source>
            <translation>Kazanıldı</translation>
        </message>
        <message>
            <source>Not interested</source>
            <translation>İlgilenmiyor</translation>
        </message>
        <message>
            <source>Not queued</source>
            <translation>Sırada değil</translation>
        </message>
        <message>
            <source>Pending</source>
            <translation>Bekliyor</translation>
        </message>
        <message>
            <source>Synced</source>
            <translation>Eşitlendi</translation>
        </message>
        <message>
            <source>Failed</source>
            <translation>Başarısız</translation>
        </message>
        <message>
            <source>{0}  (please delete)</source>
            <translation>{0}  (lütfen silin)</translation>
        </message>
    </context>
    <context>
        <name>LeadsPage</name>
        <message>
            <source>Searching…</source>
            <translation>Aranıyor…</translation>
        </message>
        <message>
            <source>Search name, company, e-mail, notes   (Ctrl+F)</source>
            <translation>Ad, şirket, e-posta, not ara   (Ctrl+F)</translation>
        </message>
        <message>
            <source>Rating</source>
            <translation>Derece</translation>
        </message>
        <message>
            <source>Staff</source>
            <translation>Personel</translation>
        </message>
        <message>
            <source>Day</source>
            <translation>Gün</translation>
        </message>
        <message>
            <source>Stage</source>
            <translation>Aşama</translation>
        </message>
        <message>
            <source>Sync</source>
            <translation>Eşitleme</translation>
        </message>
        <message>
            <source>Only “please delete”</source>
            <translation>Yalnızca “lütfen silin”</translation>
        </message>
        <message>
            <source>Could not load: {0}</source>
            <translation>Yüklenemedi: {0}</translation>
        </message>
        <message>
            <source>{0}: any</source>
            <translation>{0}: tümü</translation>
        </message>
    </context>
    <context>
        <name>MailHeaders</name>
        <message>
            <source>From</source>
            <translation>Kimden</translation>
        </message>
        <message>
            <source>To</source>
            <translation>Kime</translation>
        </message>
        <message>
            <source>Subject</source>
            <translation>Konu</translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <source>Ready</source>
            <translation>Hazır</translation>
        </message>
        <message>
            <source>Quit</source>
            <translation>Çık</translation>
        </message>
    </context>
    <context>
        <name>ManagerPinDialog</name>
        <message>
            <source>Manager PIN</source>
            <translation>Yönetici PIN'i</translation>
        </message>
        <message>
            <source>{action} is for a manager: manager PIN</source>
            <translation>{action} yöneticiye özel: yönetici PIN'ini girin</translation>
        </message>
        <message>
            <source>Checking…</source>
            <translation>Denetleniyor…</translation>
        </message>
        <message>
            <source>Too many wrong PINs: wait {s} s</source>
            <translation>Çok fazla yanlış PIN: {s} sn bekleyin</translation>
        </message>
        <message>
            <source>Not a manager's PIN ({n} tries left)</source>
            <translation>Bu bir yönetici PIN'i değil ({n} deneme hakkı kaldı)</translation>
        </message>
    </context>
    <context>
        <name>Navigation</name>
        <message>
            <source>Sign in</source>
            <translation>Giriş</translation>
        </message>
        <message>
            <source>Scan</source>
            <translation>Tara</translation>
        </message>
        <message>
            <source>Leads</source>
            <translation>Adaylar</translation>
        </message>
        <message>
            <source>Dashboard</source>
            <translation>Pano</translation>
        </message>
        <message>
            <source>Follow-ups</source>
            <translation>Takipler</translation>
        </message>
        <message>
            <source>CRM sync</source>
            <translation>CRM eşitleme</translation>
        </message>
        <message>
            <source>Event settings</source>
            <translation>Fuar ayarları</translation>
        </message>
        <message>
            <source>Results</source>
            <translation>Sonuçlar</translation>
        </message>
        <message>
            <source>Deletion requests</source>
            <translation>Silinecekler</translation>
        </message>
        <message>
            <source>Audit log</source>
            <translation>Denetim kaydı</translation>
        </message>
    </context>
    <context>
        <name>OnScreenKeyboard</name>
        <message>
            <source>Latin letters</source>
            <translation>Latin harfleri</translation>
        </message>
    </context>
    <context>
        <name>PinPad</name>
        <message>
            <source>Wrong PIN</source>
            <translation>Yanlış PIN</translation>
        </message>
        <message>
            <source>Staff PIN</source>
            <translation>Personel PIN</translation>
        </message>
        <message>
            <source>Backspace</source>
            <translation>Sil</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>Vazgeç</translation>
        </message>
        <message>
            <source>OK</source>
            <translation>Tamam</translation>
        </message>
        <message>
            <source>Enter</source>
            <translation>Tamam</translation>
        </message>
    </context>
    <context>
        <name>QLineEdit</name>
        <message>
            <source>&amp;Undo</source>
            <translation>&amp;Geri al</translation>
        </message>
        <message>
            <source>&amp;Redo</source>
            <translation>&amp;Yinele</translation>
        </message>
        <message>
            <source>Cu&amp;t</source>
            <translation>&amp;Kes</translation>
        </message>
        <message>
            <source>&amp;Copy</source>
            <translation>K&amp;opyala</translation>
        </message>
        <message>
            <source>&amp;Paste</source>
            <translation>&amp;Yapıştır</translation>
        </message>
        <message>
            <source>Delete</source>
            <translation>Sil</translation>
        </message>
        <message>
            <source>Select All</source>
            <translation>Tümünü seç</translation>
        </message>
    </context>
    <context>
        <name>QMessageBox</name>
        <message>
            <source>Show Details...</source>
            <translation>Ayrıntıları göster...</translation>
        </message>
        <message>
            <source>Hide Details...</source>
            <translation>Ayrıntıları gizle...</translation>
        </message>
    </context>
    <context>
        <name>QPlatformTheme</name>
        <message>
            <source>OK</source>
            <translation>Tamam</translation>
        </message>
        <message>
            <source>Save</source>
            <translation>Kaydet</translation>
        </message>
        <message>
            <source>Open</source>
            <translation>Aç</translation>
        </message>
        <message>
            <source>&amp;Yes</source>
            <translation>&amp;Evet</translation>
        </message>
        <message>
            <source>&amp;No</source>
            <translation>&amp;Hayır</translation>
        </message>
        <message>
            <source>Close</source>
            <translation>Kapat</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>İptal</translation>
        </message>
        <message>
            <source>Discard</source>
            <translation>Vazgeç</translation>
        </message>
        <message>
            <source>Apply</source>
            <translation>Uygula</translation>
        </message>
        <message>
            <source>Reset</source>
            <translation>Sıfırla</translation>
        </message>
        <message>
            <source>Retry</source>
            <translation>Yeniden dene</translation>
        </message>
        <message>
            <source>Ignore</source>
            <translation>Yok say</translation>
        </message>
        <message>
            <source>Abort</source>
            <translation>Durdur</translation>
        </message>
        <message>
            <source>Help</source>
            <translation>Yardım</translation>
        </message>
    </context>
    <context>
        <name>QWidgetTextControl</name>
        <message>
            <source>&amp;Undo</source>
            <translation>&amp;Geri al</translation>
        </message>
        <message>
            <source>&amp;Redo</source>
            <translation>&amp;Yinele</translation>
        </message>
        <message>
            <source>Cu&amp;t</source>
            <translation>&amp;Kes</translation>
        </message>
        <message>
            <source>&amp;Copy</source>
            <translation>K&amp;opyala</translation>
        </message>
        <message>
            <source>Copy &amp;Link Location</source>
            <translation>&amp;Bağlantı adresini kopyala</translation>
        </message>
        <message>
            <source>&amp;Paste</source>
            <translation>&amp;Yapıştır</translation>
        </message>
        <message>
            <source>Delete</source>
            <translation>Sil</translation>
        </message>
        <message>
            <source>Select All</source>
            <translation>Tümünü seç</translation>
        </message>
    </context>
    <context>
        <name>QWizard</name>
        <message>
            <source>&lt; &amp;Back</source>
            <translation>&lt; &amp;Geri</translation>
        </message>
        <message>
            <source>&amp;Next &gt;</source>
            <translation>&amp;İleri &gt;</translation>
        </message>
        <message>
            <source>&amp;Finish</source>
            <translation>&amp;Bitir</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>İptal</translation>
        </message>
        <message>
            <source>&amp;Help</source>
            <translation>&amp;Yardım</translation>
        </message>
    </context>
    <context>
        <name>QuestionInput</name>
        <message>
            <source>Key {0}</source>
            <translation>Tuş {0}</translation>
        </message>
    </context>
    <context>
        <name>QuestionsPage</name>
        <message>
            <source>What interests you?</source>
            <translation>Nelerle ilgileniyorsunuz?</translation>
        </message>
        <message>
            <source>Back</source>
            <translation>Geri</translation>
        </message>
        <message>
            <source>Next</source>
            <translation>İleri</translation>
        </message>
    </context>
    <context>
        <name>RecoveryKeyPage</name>
        <message>
            <source>Recovery key</source>
            <translation>Kurtarma anahtarı</translation>
        </message>
        <message>
            <source>The lead database is encrypted. Print this key or write it down and keep it away from this laptop: it opens the database on another computer.</source>
            <translation>Aday veritabanı şifreli. Bu anahtarı yazdırın ya da bir yere not edin ve bu dizüstü bilgisayardan ayrı saklayın: veritabanı başka bir bilgisayarda bununla açılır.</translation>
        </message>
        <message>
            <source>On this computer the key is kept in %1.</source>
            <translation>Bu bilgisayarda anahtarın saklandığı yer: %1.</translation>
        </message>
        <message>
            <source>No system keyring was found: the key sits in a file beside the database, so the encryption protects a copy of the database, not this folder.</source>
            <translation>Sistem anahtarlığı bulunamadı: anahtar veritabanının yanındaki bir dosyada duruyor; bu yüzden şifreleme bu klasörü değil, veritabanının bir kopyasını korur.</translation>
        </message>
        <message>
            <source>Copy</source>
            <translation>Kopyala</translation>
        </message>
        <message>
            <source>Print…</source>
            <translation>Yazdır…</translation>
        </message>
        <message>
            <source>I have printed or written down the recovery key</source>
            <translation>Kurtarma anahtarını yazdırdım ya da not ettim</translation>
        </message>
        <message>
            <source>BoothApp database recovery key</source>
            <translation>BoothApp veritabanı kurtarma anahtarı</translation>
        </message>
        <message>
            <source>Type it into “boothapp db restore-key” on another computer.</source>
            <translation>Başka bir bilgisayarda “boothapp db restore-key” komutuna girin.</translation>
        </message>
    </context>
    <context>
        <name>RestoreKeyDialog</name>
        <message>
            <source>Database key needed</source>
            <translation>Veritabanı anahtarı gerekli</translation>
        </message>
        <message>
            <source>This computer has no key for the encrypted lead database. Type the recovery key the manager printed at set-up (or see “boothapp db recovery-key” on the laptop that made it).</source>
            <translation>Bu bilgisayarda şifreli aday veritabanının anahtarı yok. Yöneticinin kurulumda yazdırdığı kurtarma anahtarını girin (ya da veritabanını oluşturan dizüstü bilgisayarda “boothapp db recovery-key” komutuna bakın).</translation>
        </message>
        <message>
            <source>Recovery key</source>
            <translation>Kurtarma anahtarı</translation>
        </message>
        <message>
            <source>Open database</source>
            <translation>Veritabanını aç</translation>
        </message>
    </context>
    <context>
        <name>ResultsPage</name>
        <message>
            <source>Results: {0}</source>
            <translation>Sonuçlar: {0}</translation>
        </message>
        <message>
            <source>Refresh</source>
            <translation>Yenile</translation>
        </message>
        <message>
            <source>Pull deals from CRM</source>
            <translation>CRM'den fırsatları çek</translation>
        </message>
        <message>
            <source>Compare with… (none)</source>
            <translation>Karşılaştır… (yok)</translation>
        </message>
        <message>
            <source>Open this page (F8) or press Refresh to work out the results.</source>
            <translation>Sonuçları hesaplamak için bu sayfayı açın (F8) ya da Yenile'ye basın.</translation>
        </message>
        <message>
            <source>Working out the results…</source>
            <translation>Sonuçlar hesaplanıyor…</translation>
        </message>
        <message>
            <source>Reading deals back from the CRM…</source>
            <translation>Fırsatlar CRM'den okunuyor…</translation>
        </message>
        <message>
            <source>Results not available: {0}</source>
            <translation>Sonuçlar alınamadı: {0}</translation>
        </message>
        <message>
            <source>(nobody)</source>
            <translation>(kimse)</translation>
        </message>
        <message>
            <source>From {0} leads, their follow-ups and the deals pulled back from the CRM · as of {1}</source>
            <translation>{0} aday, takipleri ve CRM'den çekilen fırsatlar üzerinden · {1} itibarıyla</translation>
        </message>
        <message>
            <source>Compare with {0}</source>
            <translation>{0} ile karşılaştır</translation>
        </message>
        <message>
            <source>Headline</source>
            <translation>Özet</translation>
        </message>
        <message>
            <source>Figure</source>
            <translation>Gösterge</translation>
        </message>
        <message>
            <source>Value</source>
            <translation>Değer</translation>
        </message>
        <message>
            <source>Side by side with {0}</source>
            <translation>{0} ile yan yana</translation>
        </message>
        <message>
            <source>Funnel</source>
            <translation>Huni</translation>
        </message>
        <message>
            <source>Money</source>
            <translation>Para</translation>
        </message>
        <message>
            <source>Currency</source>
            <translation>Para birimi</translation>
        </message>
        <message>
            <source>Pipeline</source>
            <translation>Satış hattı</translation>
        </message>
        <message>
            <source>Won</source>
            <translation>Kazanıldı</translation>
        </message>
        <message>
            <source>Open</source>
            <translation>Aç</translation>
        </message>
        <message>
            <source>Lost</source>
            <translation>Kaybedildi</translation>
        </message>
        <message>
            <source>Won/open/lost</source>
            <translation>Kazanılan/açık/kaybedilen</translation>
        </message>
        <message>
            <source>No deals yet: “Pull deals from CRM” brings them back.</source>
            <translation>Henüz fırsat yok: “CRM'den fırsatları çek” ile getirin.</translation>
        </message>
        <message>
            <source>Speed to lead</source>
            <translation>Adaya dönüş hızı</translation>
        </message>
        <message>
            <source>First contact</source>
            <translation>İlk temas</translation>
        </message>
        <message>
            <source>Leads</source>
            <translation>Adaylar</translation>
        </message>
        <message>
            <source>Meeting</source>
            <translation>Toplantı</translation>
        </message>
        <message>
            <source>95 % interval</source>
            <translation>%95 aralığı</translation>
        </message>
        <message>
            <source>Did 'hot' predict won? By rating</source>
            <translation>'Sıcak' kazanmayı öngördü mü? Dereceye göre</translation>
        </message>
        <message>
            <source>Rating</source>
            <translation>Derece</translation>
        </message>
        <message>
            <source>By rep</source>
            <translation>Temsilciye göre</translation>
        </message>
        <message>
            <source>Rep</source>
            <translation>Temsilci</translation>
        </message>
        <message>
            <source>First touch that got an answer</source>
            <translation>Yanıt alan ilk temas</translation>
        </message>
        <message>
            <source>Weekday</source>
            <translation>Hafta günü</translation>
        </message>
        <message>
            <source>First touches</source>
            <translation>İlk temaslar</translation>
        </message>
        <message>
            <source>Answered</source>
            <translation>Yanıtlanan</translation>
        </message>
        <message>
            <source>Rate</source>
            <translation>Oran</translation>
        </message>
        <message>
            <source>Where leads sit now</source>
            <translation>Adaylar şu an nerede</translation>
        </message>
        <message>
            <source>Stage</source>
            <translation>Aşama</translation>
        </message>
        <message>
            <source>Median days</source>
            <translation>Medyan gün</translation>
        </message>
        <message>
            <source>Longest</source>
            <translation>En uzun</translation>
        </message>
    </context>
    <context>
        <name>RosterImportDialog</name>
        <message>
            <source>Badge / registration id</source>
            <translation>Kart / kayıt numarası</translation>
        </message>
        <message>
            <source>Token</source>
            <translation>Belirteç</translation>
        </message>
        <message>
            <source>First name</source>
            <translation>Ad</translation>
        </message>
        <message>
            <source>Last name</source>
            <translation>Soyad</translation>
        </message>
        <message>
            <source>Full name</source>
            <translation>Ad soyad</translation>
        </message>
        <message>
            <source>Email</source>
            <translation>E-posta</translation>
        </message>
        <message>
            <source>Company</source>
            <translation>Şirket</translation>
        </message>
        <message>
            <source>Job title</source>
            <translation>Unvan</translation>
        </message>
        <message>
            <source>Phone</source>
            <translation>Telefon</translation>
        </message>
        <message>
            <source>Country</source>
            <translation>Ülke</translation>
        </message>
        <message>
            <source>City</source>
            <translation>Şehir</translation>
        </message>
        <message>
            <source>Website / LinkedIn</source>
            <translation>Web sitesi / LinkedIn</translation>
        </message>
        <message>
            <source>Registration type</source>
            <translation>Kayıt türü</translation>
        </message>
        <message>
            <source>(not in the file)</source>
            <translation>(dosyada yok)</translation>
        </message>
        <message>
            <source>Import the roster — {0}</source>
            <translation>Katılımcı listesini içe aktar — {0}</translation>
        </message>
        <message>
            <source>The organiser's attendee list (CSV or Excel) lets id-only badges show the visitor's name and company offline.</source>
            <translation>Organizatörün katılımcı listesi (CSV ya da Excel), yalnızca numara taşıyan kartlarda da ziyaretçinin adını ve şirketini çevrimdışı gösterir.</translation>
        </message>
        <message>
            <source>No file chosen</source>
            <translation>Dosya seçilmedi</translation>
        </message>
        <message>
            <source>Choose file…</source>
            <translation>Dosya seç…</translation>
        </message>
        <message>
            <source>Import</source>
            <translation>İçe aktar</translation>
        </message>
        <message>
            <source>Close</source>
            <translation>Kapat</translation>
        </message>
        <message>
            <source>Roster file</source>
            <translation>Katılımcı listesi dosyası</translation>
        </message>
        <message>
            <source>Rosters (*.csv *.txt *.xlsx *.xls *.ods);;All files (*)</source>
            <translation>Listeler (*.csv *.txt *.xlsx *.xls *.ods);;Tüm dosyalar (*)</translation>
        </message>
        <message>
            <source>Reading…</source>
            <translation>Okunuyor…</translation>
        </message>
        <message>
            <source>ready to import</source>
            <translation>içe aktarmaya hazır</translation>
        </message>
        <message>
            <source>read</source>
            <translation>okundu</translation>
        </message>
        <message>
            <source>, delimiter {0!r}</source>
            <translation>, ayırıcı {0!r}</translation>
        </message>
        <message>
            <source>{0} attendees {1}, {2} rows rejected (encoding {3}{4}).</source>
            <translation>{0} katılımcı {1}, {2} satır reddedildi (kodlama {3}{4}).</translation>
        </message>
        <message>
            <source>{0} attendees added, {1} updated, {2} rows rejected; {3} in the roster now.</source>
            <translation>{0} katılımcı eklendi, {1} güncellendi, {2} satır reddedildi; listede şimdi {3} kişi var.</translation>
        </message>
        <message>
            <source>line {0}: {1}</source>
            <translation>satır {0}: {1}</translation>
        </message>
        <message>
            <source>Importing…</source>
            <translation>İçe aktarılıyor…</translation>
        </message>
        <message>
            <source>Not imported: {0}</source>
            <translation>İçe aktarılmadı: {0}</translation>
        </message>
    </context>
    <context>
        <name>ScanPage</name>
        <message>
            <source>Keep last visitor</source>
            <translation>Son ziyaretçi kalsın</translation>
        </message>
        <message>
            <source>Hide after 10 s</source>
            <translation>10 sn sonra gizle</translation>
        </message>
        <message>
            <source>Hide after 30 s</source>
            <translation>30 sn sonra gizle</translation>
        </message>
        <message>
            <source>Hide after 1 min</source>
            <translation>1 dk sonra gizle</translation>
        </message>
        <message>
            <source> on {when}</source>
            <translation> {when} tarihinde</translation>
        </message>
        <message>
            <source>someone</source>
            <translation>biri</translation>
        </message>
        <message>
            <source>another device</source>
            <translation>başka bir cihaz</translation>
        </message>
        <message>
            <source>Scanned before by {who}{at} ({device}): this is the existing lead, no duplicate made.</source>
            <translation>Daha önce {who}{at} okuttu ({device}): bu mevcut aday, kopya oluşturulmadı.</translation>
        </message>
        <message>
            <source>someone on this device</source>
            <translation>bu cihazdaki biri</translation>
        </message>
        <message>
            <source>Scanned before by {who}{at}: this is the existing lead, no duplicate made.</source>
            <translation>Daha önce {who}{at} okuttu: bu mevcut aday, kopya oluşturulmadı.</translation>
        </message>
        <message>
            <source>Hub: connecting…</source>
            <translation>Hub: bağlanılıyor…</translation>
        </message>
        <message>
            <source>all changes shared</source>
            <translation>tüm değişiklikler paylaşıldı</translation>
        </message>
        <message>
            <source>Hub online · {waiting}</source>
            <translation>Hub çevrimiçi · {waiting}</translation>
        </message>
        <message>
            <source>Hub refused this device (revoked or wrong password) · {waiting}</source>
            <translation>Hub bu cihazı kabul etmedi (iptal edildi ya da parola yanlış) · {waiting}</translation>
        </message>
        <message>
            <source>Hub's certificate not accepted (TLS), leads are kept here · {waiting}</source>
            <translation>Hub sertifikası kabul edilmedi (TLS), adaylar burada saklanıyor · {waiting}</translation>
        </message>
        <message>
            <source>Hub needs an upgrade (boothapp hub init), leads are kept here · {waiting}</source>
            <translation>Hub güncellenmeli (boothapp hub init), adaylar burada saklanıyor · {waiting}</translation>
        </message>
        <message>
            <source>Hub error, leads are kept here · {waiting}</source>
            <translation>Hub hatası, adaylar burada saklanıyor · {waiting}</translation>
        </message>
        <message>
            <source>Hub offline, leads are kept here · {waiting}</source>
            <translation>Hub çevrimdışı, adaylar burada saklanıyor · {waiting}</translation>
        </message>
        <message>
            <source>Camera off</source>
            <translation>Kamera kapalı</translation>
        </message>
        <message>
            <source>A handheld scanner still works.</source>
            <translation>El tarayıcısı yine çalışır.</translation>
        </message>
        <message>
            <source>Walk-in (F5)</source>
            <translation>Kartsız (F5)</translation>
        </message>
        <message>
            <source>A visitor without a badge: type their details</source>
            <translation>Kartı olmayan ziyaretçi: bilgilerini yazın</translation>
        </message>
        <message>
            <source>Badge photo</source>
            <translation>Kart fotoğrafı</translation>
        </message>
        <message>
            <source>The badge cannot be read: keep a photo to type it in later</source>
            <translation>Kart okunamıyor: sonra yazmak için fotoğrafını saklayın</translation>
        </message>
        <message>
            <source>Ready to scan</source>
            <translation>Taramaya hazır</translation>
        </message>
        <message>
            <source>Hold a badge up to the camera, or scan it with the handheld scanner.
F5: walk-in without badge · F6: photo of a business card</source>
            <translation>Kartı kameraya tutun ya da el tarayıcısıyla okutun.
F5: kartsız ziyaretçi · F6: kartvizit fotoğrafı</translation>
        </message>
        <message>
            <source>Hide the last visitor's name and company from the screen</source>
            <translation>Son ziyaretçinin adını ve şirketini ekrandan gizle</translation>
        </message>
        <message>
            <source>Just captured</source>
            <translation>Az önce kaydedilenler</translation>
        </message>
        <message>
            <source>Sign in first: badges seen by the camera are not kept.</source>
            <translation>Önce giriş yapın: kameranın gördüğü kartlar kaydedilmez.</translation>
        </message>
        <message>
            <source>Another badge was seen by the camera: save or cancel this lead first.</source>
            <translation>Kamera başka bir kart gördü: önce bu adayı kaydedin ya da vazgeçin.</translation>
        </message>
        <message>
            <source>Unreadable: the scanner sent nothing usable</source>
            <translation>Okunamadı: tarayıcı kullanılabilir bir şey göndermedi</translation>
        </message>
        <message>
            <source>Next visitor's badge is read: it opens when you save or cancel this lead.</source>
            <translation>Sıradaki ziyaretçinin kartı okundu: bu adayı kaydettiğinizde ya da vazgeçtiğinizde açılır.</translation>
        </message>
        <message>
            <source>Next visitor waiting</source>
            <translation>Sıradaki ziyaretçi bekliyor</translation>
        </message>
        <message>
            <source>Badge read</source>
            <translation>Kart okundu</translation>
        </message>
        <message>
            <source>Scan not kept: {0}</source>
            <translation>Tarama kaydedilmedi: {0}</translation>
        </message>
        <message>
            <source>Scanned before: {0}</source>
            <translation>Daha önce okutuldu: {0}</translation>
        </message>
        <message>
            <source>Unreadable badge: </source>
            <translation>Okunamayan kart: </translation>
        </message>
        <message>
            <source>new visitor</source>
            <translation>yeni ziyaretçi</translation>
        </message>
        <message>
            <source>New lead: {0}</source>
            <translation>Yeni aday: {0}</translation>
        </message>
        <message>
            <source>Badge scanned</source>
            <translation>Kart okundu</translation>
        </message>
        <message>
            <source>✔ {0}</source>
            <translation>✔ {0}</translation>
        </message>
        <message>
            <source>No camera picture to keep. Use 'walk-in' and type the name.</source>
            <translation>Saklanacak kamera görüntüsü yok. 'Kartsız'ı seçip adı yazın.</translation>
        </message>
        <message>
            <source>Photo kept to resolve later ({0}). Type what you can read: F5.</source>
            <translation>Fotoğraf sonra çözmek için saklandı ({0}). Okuyabildiğinizi yazın: F5.</translation>
        </message>
        <message>
            <source>Photo not kept: {0}</source>
            <translation>Fotoğraf saklanmadı: {0}</translation>
        </message>
        <message>
            <source>{0} · {1} · {2}</source>
            <translation>{0} · {1} · {2}</translation>
        </message>
        <message>
            <source>Saved {0}. Next visitor!</source>
            <translation>{0} kaydedildi. Sıradaki ziyaretçi!</translation>
        </message>
        <message>
            <source>Hide after {0} s</source>
            <translation>{0} sn sonra gizle</translation>
        </message>
        <message>
            <source>{0} visitor(s) hidden for privacy</source>
            <translation>Gizlilik için {0} ziyaretçi gizlendi</translation>
        </message>
    </context>
    <context>
        <name>ScanStep</name>
        <message>
            <source>Hold your badge up to the camera</source>
            <translation>Yaka kartınızı kameraya gösterin</translation>
        </message>
        <message>
            <source>No badge? Type your details</source>
            <translation>Kartınız yok mu? Bilgilerinizi yazın</translation>
        </message>
        <message>
            <source>Start over</source>
            <translation>Baştan başla</translation>
        </message>
    </context>
    <context>
        <name>SettingsForm</name>
        <message>
            <source>Id</source>
            <translation>Kimlik</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>Ad</translation>
        </message>
        <message>
            <source>Time zone</source>
            <translation>Saat dilimi</translation>
        </message>
        <message>
            <source>Hours</source>
            <translation>Saatler</translation>
        </message>
        <message>
            <source>(question)</source>
            <translation>(soru)</translation>
        </message>
        <message>
            <source>Required on the booth form</source>
            <translation>Stant formunda zorunlu</translation>
        </message>
        <message>
            <source>Add option</source>
            <translation>Seçenek ekle</translation>
        </message>
        <message>
            <source>Remove option</source>
            <translation>Seçeneği kaldır</translation>
        </message>
        <message>
            <source>Questions, options and translations</source>
            <translation>Sorular, seçenekler ve çeviriler</translation>
        </message>
        <message>
            <source>Rating thresholds and targets</source>
            <translation>Derece eşikleri ve hedefler</translation>
        </message>
        <message>
            <source>Warm from (score)</source>
            <translation>Ilık başlangıcı (puan)</translation>
        </message>
        <message>
            <source>Hot from (score)</source>
            <translation>Sıcak başlangıcı (puan)</translation>
        </message>
        <message>
            <source>The dashboard measures each person's day against it</source>
            <translation>Pano herkesin gününü buna göre ölçer</translation>
        </message>
        <message>
            <source>Leads per person per day</source>
            <translation>Kişi başı günlük aday</translation>
        </message>
        <message>
            <source>until erased</source>
            <translation>silinene kadar</translation>
        </message>
        <message>
            <source> days</source>
            <translation> gün</translation>
        </message>
        <message>
            <source>Leads neither synced nor won are erased this long after capture</source>
            <translation>Ne eşitlenen ne de kazanılan adaylar, kayıttan bu kadar sonra silinir</translation>
        </message>
        <message>
            <source>Keep unsynced leads</source>
            <translation>Eşitlenmemiş adayları sakla</translation>
        </message>
        <message>
            <source>Add rep</source>
            <translation>Temsilci ekle</translation>
        </message>
        <message>
            <source>Remove rep</source>
            <translation>Temsilciyi kaldır</translation>
        </message>
        <message>
            <source>Routing reps (who gets leads)</source>
            <translation>Yönlendirme (adaylar kime gider)</translation>
        </message>
        <message>
            <source>Working hours, like 09:00-17:00</source>
            <translation>Çalışma saatleri, örneğin 09:00-17:00</translation>
        </message>
        <message>
            <source>Option id</source>
            <translation>Seçenek kimliği</translation>
        </message>
        <message>
            <source>Default wording</source>
            <translation>Varsayılan ifade</translation>
        </message>
    </context>
    <context>
        <name>SetupWizard</name>
        <message>
            <source>Set up your event</source>
            <translation>Fuarınızı kurun</translation>
        </message>
        <message>
            <source>Back</source>
            <translation>Geri</translation>
        </message>
        <message>
            <source>Next</source>
            <translation>İleri</translation>
        </message>
        <message>
            <source>Commit</source>
            <translation>Onayla</translation>
        </message>
        <message>
            <source>Finish</source>
            <translation>Bitir</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>Vazgeç</translation>
        </message>
        <message>
            <source>Help</source>
            <translation>Yardım</translation>
        </message>
        <message>
            <source>Could not create the event</source>
            <translation>Fuar oluşturulamadı</translation>
        </message>
    </context>
    <context>
        <name>Shell</name>
        <message>
            <source>Welcome to BoothApp</source>
            <translation>BoothApp'e hoş geldiniz</translation>
        </message>
        <message>
            <source>Welcome! Set up your event, or try BoothApp on a demo event first (no camera needed: a recorded badge feed plays as the camera).</source>
            <translation>Hoş geldiniz! Fuarınızı kurun ya da önce BoothApp'i bir deneme fuarında görün (kamera gerekmez: kayıtlı bir kart videosu kamera yerine oynar).</translation>
        </message>
        <message>
            <source>Set up my event</source>
            <translation>Fuarımı kur</translation>
        </message>
        <message>
            <source>Try the demo</source>
            <translation>Demoyu dene</translation>
        </message>
        <message>
            <source>Preparing the demo event and its badge video…</source>
            <translation>Deneme fuarı ve kart videosu hazırlanıyor…</translation>
        </message>
        <message>
            <source>BoothApp demo</source>
            <translation>BoothApp demosu</translation>
        </message>
        <message>
            <source>Demo not available</source>
            <translation>Demo kullanılamıyor</translation>
        </message>
        <message>
            <source>No camera chosen: scan badges with the handheld scanner.</source>
            <translation>Kamera seçilmedi: kartları el tarayıcısıyla okutun.</translation>
        </message>
        <message>
            <source>No camera found. Plug one in (and restart), or use a handheld scanner.</source>
            <translation>Kamera bulunamadı. Bir kamera takın (ve yeniden başlatın) ya da el tarayıcısı kullanın.</translation>
        </message>
    </context>
    <context>
        <name>SignInPage</name>
        <message>
            <source>Wrong PIN</source>
            <translation>Yanlış PIN</translation>
        </message>
        <message>
            <source>Too many wrong PINs: try again in {s} s</source>
            <translation>Çok fazla yanlış PIN: {s} sn sonra yeniden deneyin</translation>
        </message>
        <message>
            <source>Who is at the booth?</source>
            <translation>Stantta kim var?</translation>
        </message>
        <message>
            <source>Tap your name</source>
            <translation>Adınıza dokunun</translation>
        </message>
        <message>
            <source>Manager unlock</source>
            <translation>Yönetici kilidi açsın</translation>
        </message>
        <message>
            <source>Language</source>
            <translation>Dil</translation>
        </message>
        <message>
            <source>No staff yet: an event manager adds staff first</source>
            <translation>Henüz personel yok: önce bir fuar yöneticisi personel eklemeli</translation>
        </message>
        <message>
            <source>PIN for {0}</source>
            <translation>{0} için PIN</translation>
        </message>
        <message>
            <source>Checking…</source>
            <translation>Denetleniyor…</translation>
        </message>
        <message>
            <source>This staff member cannot sign in any more</source>
            <translation>Bu personel artık giriş yapamaz</translation>
        </message>
        <message>
            <source>Signed in: {0}</source>
            <translation>Giriş yapan: {0}</translation>
        </message>
        <message>
            <source>Could not sign in: {0}</source>
            <translation>Giriş yapılamadı: {0}</translation>
        </message>
        <message>
            <source>Manager PIN to unlock {0}</source>
            <translation>{0} kilidini açmak için yönetici PIN'i</translation>
        </message>
        <message>
            <source>Unlocked by {0}</source>
            <translation>Kilidi {0} açtı</translation>
        </message>
        <message>
            <source>Too many wrong manager PINs: wait for the countdown</source>
            <translation>Çok fazla yanlış yönetici PIN'i: geri sayımı bekleyin</translation>
        </message>
        <message>
            <source>Wrong manager PIN</source>
            <translation>Yanlış yönetici PIN'i</translation>
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
            <translation>Toplantı</translation>
        </message>
        <message>
            <source>Won</source>
            <translation>Kazanıldı</translation>
        </message>
    </context>
    <context>
        <name>StaffSetupPage</name>
        <message>
            <source>Booth staff</source>
            <translation>Stant ekibi</translation>
        </message>
        <message>
            <source>Add everyone who scans at the booth. Each signs in with a 4-8 digit PIN.</source>
            <translation>Stantta tarama yapacak herkesi ekleyin. Herkes 4-8 haneli bir PIN ile giriş yapar.</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>Ad</translation>
        </message>
        <message>
            <source>PIN</source>
            <translation>PIN</translation>
        </message>
        <message>
            <source>Add</source>
            <translation>Ekle</translation>
        </message>
        <message>
            <source>Remove selected</source>
            <translation>Seçileni kaldır</translation>
        </message>
        <message>
            <source>Enter a name</source>
            <translation>Bir ad girin</translation>
        </message>
        <message>
            <source>{0} is already on the list</source>
            <translation>{0} zaten listede</translation>
        </message>
    </context>
    <context>
        <name>SyncPage</name>
        <message>
            <source>; retrying at {0:%H:%M}</source>
            <translation>; {0:%H:%M} saatinde yeniden denenecek</translation>
        </message>
        <message>
            <source>{0} is not answering{1}</source>
            <translation>{0} yanıt vermiyor{1}</translation>
        </message>
        <message>
            <source>{0} was not answering; trying one lead</source>
            <translation>{0} yanıt vermiyordu; tek bir adayla deneniyor</translation>
        </message>
        <message>
            <source>Sync now</source>
            <translation>Şimdi eşitle</translation>
        </message>
        <message>
            <source>Pull changes from CRM</source>
            <translation>CRM'deki değişiklikleri çek</translation>
        </message>
        <message>
            <source>Take the owner and stage that sales changed in the CRM. A booth edit made after the CRM's change is kept and goes out with the next sync.</source>
            <translation>Satış ekibinin CRM'de değiştirdiği sorumlu ve aşamayı al. CRM'deki değişiklikten sonra stantta yapılan düzenleme korunur ve bir sonraki eşitlemeyle gider.</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>Vazgeç</translation>
        </message>
        <message>
            <source>Lead</source>
            <translation>Aday</translation>
        </message>
        <message>
            <source>Company</source>
            <translation>Şirket</translation>
        </message>
        <message>
            <source>CRM says</source>
            <translation>CRM'in yanıtı</translation>
        </message>
        <message>
            <source>Retry failed</source>
            <translation>Başarısızları yeniden dene</translation>
        </message>
        <message>
            <source>Sync</source>
            <translation>Eşitleme</translation>
        </message>
        <message>
            <source>Leads the CRM refused</source>
            <translation>CRM'in reddettiği adaylar</translation>
        </message>
        <message>
            <source>No CRM set up for this event yet: fill in the settings.</source>
            <translation>Bu fuar için henüz CRM kurulmadı: ayarları doldurun.</translation>
        </message>
        <message>
            <source>never</source>
            <translation>hiç</translation>
        </message>
        <message>
            <source>{0}: {1} synced, {2} waiting, {3} failed; last sync {4}</source>
            <translation>{0}: {1} eşitlendi, {2} bekliyor, {3} başarısız; son eşitleme {4}</translation>
        </message>
        <message>
            <source>Reading back what sales changed in the CRM…</source>
            <translation>Satış ekibinin CRM'de değiştirdikleri okunuyor…</translation>
        </message>
        <message>
            <source>Read back {0} of {1} leads</source>
            <translation>{1} adaydan {0} tanesi okundu</translation>
        </message>
        <message>
            <source>, about {0} left</source>
            <translation>, yaklaşık {0} kaldı</translation>
        </message>
        <message>
            <source>{0} of {1} · {2:.0f} leads/min{3}{4}</source>
            <translation>{0} / {1} · dakikada {2:.0f} aday{3}{4}</translation>
        </message>
        <message>
            <source>Done: {0} sent, {1} refused.</source>
            <translation>Bitti: {0} gönderildi, {1} reddedildi.</translation>
        </message>
        <message>
            <source>Paused: {0}</source>
            <translation>Duraklatıldı: {0}</translation>
        </message>
        <message>
            <source>Sync cancelled; the rest stays queued.</source>
            <translation>Eşitleme iptal edildi; kalanlar sırada bekliyor.</translation>
        </message>
        <message>
            <source>The CRM refused the credentials: {0}</source>
            <translation>CRM giriş bilgilerini reddetti: {0}</translation>
        </message>
        <message>
            <source>The CRM set-up needs fixing: {0}</source>
            <translation>CRM ayarlarının düzeltilmesi gerekiyor: {0}</translation>
        </message>
        <message>
            <source>Stopped for now; the rest stays queued.</source>
            <translation>Şimdilik durdu; kalanlar sırada bekliyor.</translation>
        </message>
        <message>
            <source>{0} {1}</source>
            <translation>{0} {1}</translation>
        </message>
        <message>
            <source>{0:.0f} s</source>
            <translation>{0:.0f} sn</translation>
        </message>
        <message>
            <source>{0:.0f} min</source>
            <translation>{0:.0f} dk</translation>
        </message>
    </context>
    <context>
        <name>ThanksPage</name>
        <message>
            <source>Thank you, {name}! We will be in touch.</source>
            <translation>Teşekkürler, {name}! Sizinle iletişime geçeceğiz.</translation>
        </message>
        <message>
            <source>Thank you! We will be in touch.</source>
            <translation>Teşekkürler! Sizinle iletişime geçeceğiz.</translation>
        </message>
    </context>
    <context>
        <name>UnfinishedVisitorsDialog</name>
        <message>
            <source>Unfinished visitors</source>
            <translation>Yarım kalan ziyaretçiler</translation>
        </message>
        <message>
            <source>These badges were scanned but their lead was never saved.</source>
            <translation>Bu kartlar okutuldu ama adayları hiç kaydedilmedi.</translation>
        </message>
        <message>
            <source>Visitor</source>
            <translation>Ziyaretçi</translation>
        </message>
        <message>
            <source>Badge</source>
            <translation>Kart</translation>
        </message>
        <message>
            <source>Scanned</source>
            <translation>Okutulma</translation>
        </message>
        <message>
            <source>Resume</source>
            <translation>Devam et</translation>
        </message>
        <message>
            <source>Discard</source>
            <translation>Kenara koy</translation>
        </message>
        <message>
            <source>Later</source>
            <translation>Sonra</translation>
        </message>
        <message>
            <source>{name} saved</source>
            <translation>{name} kaydedildi</translation>
        </message>
        <message>
            <source>Set aside</source>
            <translation>Kenara konuldu</translation>
        </message>
    </context>
    <context>
        <name>_Count</name>
        <message numerus="yes">
            <source>%Ln lead(s)</source>
            <translation>
                <numerusform>%Ln aday</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>_HubWords</name>
        <message numerus="yes">
            <source>%n change(s) waiting</source>
            <translation>
                <numerusform>%n değişiklik bekliyor</numerusform>
            </translation>
        </message>
    </context>
</TS>
