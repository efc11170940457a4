<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_GB">
    <context>
        <name>AttractPage</name>
        <message>
            <source>Welcome to our booth</source>
            <translation>Welcome to our booth</translation>
        </message>
        <message>
            <source>Tap “Scan my badge” to turn the camera on</source>
            <translation>Tap “Scan my badge” to turn the camera on</translation>
        </message>
        <message>
            <source>Scan my badge</source>
            <translation>Scan my badge</translation>
        </message>
        <message>
            <source>No badge? Type your details</source>
            <translation>No badge? Type your details</translation>
        </message>
    </context>
    <context>
        <name>AuditPage</name>
        <message>
            <source>Audit log: every export, erase and settings change</source>
            <translation>Audit log: every export, erase and settings change</translation>
        </message>
        <message>
            <source>All actions</source>
            <translation>All actions</translation>
        </message>
        <message>
            <source>Refresh</source>
            <translation>Refresh</translation>
        </message>
        <message>
            <source>Action</source>
            <translation>Action</translation>
        </message>
        <message>
            <source>Who</source>
            <translation>Who</translation>
        </message>
        <message>
            <source>Lead</source>
            <translation>Lead</translation>
        </message>
        <message>
            <source>When</source>
            <translation>When</translation>
        </message>
        <message>
            <source>What</source>
            <translation>What</translation>
        </message>
        <message>
            <source>Not loaded: {e}</source>
            <translation>Not loaded: {e}</translation>
        </message>
        <message>
            <source>{n} entries</source>
            <translation>{n} entries</translation>
        </message>
    </context>
    <context>
        <name>CameraController</name>
        <message>
            <source>No camera</source>
            <translation>No camera</translation>
        </message>
        <message>
            <source>Starting camera…</source>
            <translation>Starting camera…</translation>
        </message>
        <message>
            <source>Camera stopped</source>
            <translation>Camera stopped</translation>
        </message>
        <message>
            <source>Camera disconnected — reconnecting…</source>
            <translation>Camera disconnected — reconnecting…</translation>
        </message>
        <message>
            <source>{0} · {1:.0f} fps · decode {2:.0f} ms</source>
            <translation>{0} · {1:.0f} fps · decode {2:.0f} ms</translation>
        </message>
    </context>
    <context>
        <name>CameraPicker</name>
        <message>
            <source>Camera {0}: {1}</source>
            <translation>Camera {0}: {1}</translation>
        </message>
        <message>
            <source>Video file…</source>
            <translation>Video file…</translation>
        </message>
        <message>
            <source>Network camera URL…</source>
            <translation>Network camera URL…</translation>
        </message>
        <message>
            <source>No camera (handheld scanner only)</source>
            <translation>No camera (handheld scanner only)</translation>
        </message>
        <message>
            <source>Video or camera recording</source>
            <translation>Video or camera recording</translation>
        </message>
        <message>
            <source>Video (*.mp4 *.avi *.mkv *.mov);;All (*)</source>
            <translation>Video (*.mp4 *.avi *.mkv *.mov);;All (*)</translation>
        </message>
        <message>
            <source>Network camera</source>
            <translation>Network camera</translation>
        </message>
        <message>
            <source>RTSP or HTTP address (rtsp://user:pass@host/stream)</source>
            <translation>RTSP or HTTP address (rtsp://user:pass@host/stream)</translation>
        </message>
    </context>
    <context>
        <name>CameraView</name>
        <message>
            <source>Starting camera…</source>
            <translation>Starting camera…</translation>
        </message>
    </context>
    <context>
        <name>CardCapture</name>
        <message>
            <source>Card (F6)</source>
            <translation>Card (F6)</translation>
        </message>
        <message>
            <source>Read a business card or a badge without a barcode</source>
            <translation>Read a business card or a badge without a barcode</translation>
        </message>
        <message>
            <source>No camera picture: start the camera and hold the card up to it.</source>
            <translation>No camera picture: start the camera and hold the card up to it.</translation>
        </message>
        <message>
            <source>Reading the card…</source>
            <translation>Reading the card…</translation>
        </message>
        <message>
            <source>Read from a business card: check the fields marked in yellow.</source>
            <translation>Read from a business card: check the fields marked in yellow.</translation>
        </message>
        <message>
            <source>{0} is already a lead: here it is.</source>
            <translation>{0} is already a lead: here it is.</translation>
        </message>
        <message>
            <source>Found in the roster: {0}. Check the fields marked in yellow.</source>
            <translation>Found in the roster: {0}. Check the fields marked in yellow.</translation>
        </message>
        <message>
            <source> (it was upside down)</source>
            <translation> (it was upside down)</translation>
        </message>
        <message>
            <source>Card read in {0:.1f} s{1}.</source>
            <translation>Card read in {0:.1f} s{1}.</translation>
        </message>
        <message>
            <source>Check this: the card reader was not sure (or found nothing).</source>
            <translation>Check this: the card reader was not sure (or found nothing).</translation>
        </message>
        <message>
            <source>The card could not be read: {0}</source>
            <translation>The card could not be read: {0}</translation>
        </message>
    </context>
    <context>
        <name>ChannelInSentence</name>
        <message>
            <source>email</source>
            <translation>email</translation>
        </message>
        <message>
            <source>call</source>
            <translation>call</translation>
        </message>
        <message>
            <source>letter</source>
            <translation>letter</translation>
        </message>
        <message>
            <source>CRM task</source>
            <translation>CRM task</translation>
        </message>
    </context>
    <context>
        <name>Clock</name>
        <message>
            <source>times in {0}</source>
            <translation>times in {0}</translation>
        </message>
    </context>
    <context>
        <name>ConfirmPage</name>
        <message>
            <source>Is this you?</source>
            <translation>Is this you?</translation>
        </message>
        <message>
            <source>Yes, it's me</source>
            <translation>Yes, it's me</translation>
        </message>
        <message>
            <source>No, not me</source>
            <translation>No, not me</translation>
        </message>
    </context>
    <context>
        <name>ConsentPage</name>
        <message>
            <source>May we contact you?</source>
            <translation>May we contact you?</translation>
        </message>
        <message>
            <source>Yes, you may contact me by email about your products and this event. I can withdraw this at any time.</source>
            <translation>Yes, you may contact me by email about your products and this event. I can withdraw this at any time.</translation>
        </message>
        <message>
            <source>I agree</source>
            <translation>I agree</translation>
        </message>
        <message>
            <source>Email me the brochure</source>
            <translation>Email me the brochure</translation>
        </message>
        <message>
            <source>Back</source>
            <translation>Back</translation>
        </message>
        <message>
            <source>Finish</source>
            <translation>Finish</translation>
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
            <translation>Signing secret (HMAC)</translation>
        </message>
        <message>
            <source>Intake key</source>
            <translation>Intake key</translation>
        </message>
        <message>
            <source>API token (edits, notes, tasks)</source>
            <translation>API token (edits, notes, tasks)</translation>
        </message>
        <message>
            <source>Private app token</source>
            <translation>Private app token</translation>
        </message>
        <message>
            <source>CRM settings</source>
            <translation>CRM settings</translation>
        </message>
        <message>
            <source>https://crm.example.com</source>
            <translation>https://crm.example.com</translation>
        </message>
        <message>
            <source>the connected app's consumer key</source>
            <translation>the connected app's consumer key</translation>
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
            <translation>Send each lead as soon as it is saved</translation>
        </message>
        <message>
            <source>Save settings</source>
            <translation>Save settings</translation>
        </message>
        <message>
            <source>Test connection</source>
            <translation>Test connection</translation>
        </message>
        <message>
            <source>Connect Salesforce…</source>
            <translation>Connect Salesforce…</translation>
        </message>
        <message>
            <source>Sign in to Salesforce in your browser; BoothApp keeps the session in the system keyring and renews it by itself.</source>
            <translation>Sign in to Salesforce in your browser; BoothApp keeps the session in the system keyring and renews it by itself.</translation>
        </message>
        <message>
            <source>CRM</source>
            <translation>CRM</translation>
        </message>
        <message>
            <source>Address</source>
            <translation>Address</translation>
        </message>
        <message>
            <source>Folder</source>
            <translation>Folder</translation>
        </message>
        <message>
            <source>Intake id</source>
            <translation>Intake id</translation>
        </message>
        <message>
            <source>Portal id</source>
            <translation>Portal id</translation>
        </message>
        <message>
            <source>Campaign id</source>
            <translation>Campaign id</translation>
        </message>
        <message>
            <source>Consumer key</source>
            <translation>Consumer key</translation>
        </message>
        <message>
            <source>Sign-in address</source>
            <translation>Sign-in address</translation>
        </message>
        <message>
            <source>stored in the system keyring; leave empty to keep</source>
            <translation>stored in the system keyring; leave empty to keep</translation>
        </message>
        <message>
            <source>filled in by Connect</source>
            <translation>filled in by Connect</translation>
        </message>
        <message>
            <source>https://hooks.example.com/… (each lead is POSTed here, signed)</source>
            <translation>https://hooks.example.com/… (each lead is POSTed here, signed)</translation>
        </message>
        <message>
            <source>Settings saved.</source>
            <translation>Settings saved.</translation>
        </message>
        <message>
            <source>Testing…</source>
            <translation>Testing…</translation>
        </message>
        <message>
            <source>Waiting for the Salesforce sign-in in your browser…</source>
            <translation>Waiting for the Salesforce sign-in in your browser…</translation>
        </message>
    </context>
    <context>
        <name>DashboardPage</name>
        <message>
            <source>never</source>
            <translation>never</translation>
        </message>
        <message>
            <source>just now</source>
            <translation>just now</translation>
        </message>
        <message>
            <source>{0} min ago</source>
            <translation>{0} min ago</translation>
        </message>
        <message>
            <source>{0} h ago</source>
            <translation>{0} h ago</translation>
        </message>
        <message>
            <source>&lt; 1 min</source>
            <translation>&lt; 1 min</translation>
        </message>
        <message>
            <source>{0} min</source>
            <translation>{0} min</translation>
        </message>
        <message>
            <source>{0} h {1:02d} min</source>
            <translation>{0} h {1:02d} min</translation>
        </message>
        <message>
            <source>{0} d {1} h</source>
            <translation>{0} d {1} h</translation>
        </message>
        <message>
            <source>capture → first contact · no leads yet</source>
            <translation>capture → first contact · no leads yet</translation>
        </message>
        <message>
            <source>capture → first contact · nobody contacted yet, {0:,} waiting</source>
            <translation>capture → first contact · nobody contacted yet, {0:,} waiting</translation>
        </message>
        <message>
            <source> · {0:,} waiting</source>
            <translation> · {0:,} waiting</translation>
        </message>
        <message>
            <source>Leads today</source>
            <translation>Leads today</translation>
        </message>
        <message>
            <source>Rating mix today</source>
            <translation>Rating mix today</translation>
        </message>
        <message>
            <source>Last sync</source>
            <translation>Last sync</translation>
        </message>
        <message>
            <source>Qualified for sales</source>
            <translation>Qualified for sales</translation>
        </message>
        <message>
            <source>Response time</source>
            <translation>Response time</translation>
        </message>
        <message>
            <source>Leads per hour</source>
            <translation>Leads per hour</translation>
        </message>
        <message>
            <source>Today against target</source>
            <translation>Today against target</translation>
        </message>
        <message>
            <source>Leaderboard (whole show)</source>
            <translation>Leaderboard (whole show)</translation>
        </message>
        <message>
            <source>Could not refresh: {0}</source>
            <translation>Could not refresh: {0}</translation>
        </message>
        <message>
            <source>{0:,}</source>
            <translation>{0:,}</translation>
        </message>
        <message>
            <source>target {0:,} · {1} hot · {2}</source>
            <translation>target {0:,} · {1} hot · {2}</translation>
        </message>
        <message>
            <source>
last lead {0}</source>
            <translation>
last lead {0}</translation>
        </message>
        <message>
            <source>&lt;span style='color:{0}'&gt;{1}&lt;/span&gt; · &lt;span style='color:{2}'&gt;{3}&lt;/span&gt; · &lt;span style='color:{4}'&gt;{5}&lt;/span&gt;</source>
            <translation>&lt;span style='color:{0}'&gt;{1}&lt;/span&gt; · &lt;span style='color:{2}'&gt;{3}&lt;/span&gt; · &lt;span style='color:{4}'&gt;{5}&lt;/span&gt;</translation>
        </message>
        <message>
            <source>&lt;span style='color:{0}'&gt;hot&lt;/span&gt; · &lt;span style='color:{1}'&gt;warm&lt;/span&gt; · &lt;span style='color:{2}'&gt;cold&lt;/span&gt;{3}</source>
            <translation>&lt;span style='color:{0}'&gt;hot&lt;/span&gt; · &lt;span style='color:{1}'&gt;warm&lt;/span&gt; · &lt;span style='color:{2}'&gt;cold&lt;/span&gt;{3}</translation>
        </message>
        <message>
            <source> · {0} hot</source>
            <translation> · {0} hot</translation>
        </message>
        <message>
            <source>SQL to sales{0} · {1:,} MQL to nurture</source>
            <translation>SQL to sales{0} · {1:,} MQL to nurture</translation>
        </message>
        <message>
            <source>nothing sent to the CRM yet</source>
            <translation>nothing sent to the CRM yet</translation>
        </message>
        <message>
            <source>&lt;b&gt;{0}&lt;/b&gt; leads</source>
            <translation>&lt;b&gt;{0}&lt;/b&gt; leads</translation>
        </message>
        <message>
            <source>&lt;table&gt;{0}&lt;/table&gt;</source>
            <translation>&lt;table&gt;{0}&lt;/table&gt;</translation>
        </message>
        <message>
            <source>No leads yet</source>
            <translation>No leads yet</translation>
        </message>
        <message>
            <source>{0} / {1}</source>
            <translation>{0} / {1}</translation>
        </message>
        <message>
            <source>{0} hot</source>
            <translation>{0} hot</translation>
        </message>
        <message>
            <source>median, capture → first contact&lt;br&gt;&lt;b&gt;{0}&lt;/b&gt; within {1}&lt;br&gt;{2:,} of {3:,} contacted{4}</source>
            <translation>median, capture → first contact&lt;br&gt;&lt;b&gt;{0}&lt;/b&gt; within {1}&lt;br&gt;{2:,} of {3:,} contacted{4}</translation>
        </message>
        <message numerus="yes">
            <source>%n h</source>
            <translation>
                <numerusform>%n h</numerusform>
                <numerusform>%n h</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>DeleteReviewPage</name>
        <message>
            <source>Deletion requests: erase for good, or keep</source>
            <translation>Deletion requests: erase for good, or keep</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>Name</translation>
        </message>
        <message>
            <source>Company</source>
            <translation>Company</translation>
        </message>
        <message>
            <source>E-mail</source>
            <translation>E-mail</translation>
        </message>
        <message>
            <source>By</source>
            <translation>By</translation>
        </message>
        <message>
            <source>Captured</source>
            <translation>Captured</translation>
        </message>
        <message>
            <source>Erase</source>
            <translation>Erase</translation>
        </message>
        <message>
            <source>Gone for good: the lead, its scans, history and mails</source>
            <translation>Gone for good: the lead, its scans, history and mails</translation>
        </message>
        <message>
            <source>Keep</source>
            <translation>Keep</translation>
        </message>
        <message>
            <source>A real visitor: unflag and plan follow-ups again</source>
            <translation>A real visitor: unflag and plan follow-ups again</translation>
        </message>
        <message>
            <source>Not loaded: {e}</source>
            <translation>Not loaded: {e}</translation>
        </message>
        <message>
            <source>Flagged for deletion: {n}</source>
            <translation>Flagged for deletion: {n}</translation>
        </message>
        <message>
            <source>Erase lead</source>
            <translation>Erase lead</translation>
        </message>
        <message>
            <source>Erase {name} for good? This cannot be undone.</source>
            <translation>Erase {name} for good? This cannot be undone.</translation>
        </message>
        <message>
            <source>{name} erased</source>
            <translation>{name} erased</translation>
        </message>
        <message>
            <source>{name} kept and unflagged</source>
            <translation>{name} kept and unflagged</translation>
        </message>
    </context>
    <context>
        <name>DesktopWindow</name>
        <message>
            <source>Follow-up mail: {0}</source>
            <translation>Follow-up mail: {0}</translation>
        </message>
        <message>
            <source>Scan to form: {0:.0f} ms</source>
            <translation>Scan to form: {0:.0f} ms</translation>
        </message>
        <message>
            <source>Not signed in</source>
            <translation>Not signed in</translation>
        </message>
        <message>
            <source>Lock (Ctrl+L)</source>
            <translation>Lock (Ctrl+L)</translation>
        </message>
        <message>
            <source>Deletion requests</source>
            <translation>Deletion requests</translation>
        </message>
        <message>
            <source>Dark/light</source>
            <translation>Dark/light</translation>
        </message>
        <message>
            <source>Export…</source>
            <translation>Export…</translation>
        </message>
        <message>
            <source>Kiosk mode</source>
            <translation>Kiosk mode</translation>
        </message>
        <message>
            <source>Import roster…</source>
            <translation>Import roster…</translation>
        </message>
        <message>
            <source>Signed in: {0}</source>
            <translation>Signed in: {0}</translation>
        </message>
        <message>
            <source>Status unknown: {0}</source>
            <translation>Status unknown: {0}</translation>
        </message>
        <message>
            <source>Locked: sign in</source>
            <translation>Locked: sign in</translation>
        </message>
        <message numerus="yes">
            <source>Retention rule: %n lead(s) past the event's limit erased</source>
            <translation>
                <numerusform>Retention rule: %n lead past the event's limit erased</numerusform>
                <numerusform>Retention rule: %n leads past the event's limit erased</numerusform>
            </translation>
        </message>
        <message>
            <source>Retention rule: {0}</source>
            <translation>Retention rule: {0}</translation>
        </message>
        <message>
            <source>CRM sync</source>
            <translation>CRM sync</translation>
        </message>
        <message>
            <source>Event settings</source>
            <translation>Event settings</translation>
        </message>
        <message>
            <source>Audit log</source>
            <translation>Audit log</translation>
        </message>
        <message>
            <source>Signed in: {staff} · manager: {manager}</source>
            <translation>Signed in: {staff} · manager: {manager}</translation>
        </message>
        <message>
            <source>Sign in first: the badge was not kept.</source>
            <translation>Sign in first: the badge was not kept.</translation>
        </message>
        <message>
            <source>Saved {0}</source>
            <translation>Saved {0}</translation>
        </message>
        <message>
            <source>Password not kept: {0}</source>
            <translation>Password not kept: {0}</translation>
        </message>
        <message>
            <source>Follow-ups: {0} email(s) sent, {1} failed{2}</source>
            <translation>Follow-ups: {0} email(s) sent, {1} failed{2}</translation>
        </message>
        <message>
            <source>No camera chosen: scan badges with the handheld scanner.</source>
            <translation>No camera chosen: scan badges with the handheld scanner.</translation>
        </message>
        <message>
            <source>Lead sheet written: {0}</source>
            <translation>Lead sheet written: {0}</translation>
        </message>
        <message>
            <source>No lead sheet: {0}</source>
            <translation>No lead sheet: {0}</translation>
        </message>
        <message>
            <source>Export</source>
            <translation>Export</translation>
        </message>
        <message>
            <source>CRM: {0}</source>
            <translation>CRM: {0}</translation>
        </message>
        <message>
            <source>CRM sync stopped: {0} (F7)</source>
            <translation>CRM sync stopped: {0} (F7)</translation>
        </message>
    </context>
    <context>
        <name>DetailsPage</name>
        <message>
            <source>Please fill in your name and a valid email</source>
            <translation>Please fill in your name and a valid email</translation>
        </message>
        <message>
            <source>Is this you?</source>
            <translation>Is this you?</translation>
        </message>
        <message>
            <source>Your details</source>
            <translation>Your details</translation>
        </message>
        <message>
            <source>First name</source>
            <translation>First name</translation>
        </message>
        <message>
            <source>Last name</source>
            <translation>Last name</translation>
        </message>
        <message>
            <source>Email</source>
            <translation>Email</translation>
        </message>
        <message>
            <source>Company</source>
            <translation>Company</translation>
        </message>
        <message>
            <source>Job title</source>
            <translation>Job title</translation>
        </message>
        <message>
            <source>Next</source>
            <translation>Next</translation>
        </message>
        <message>
            <source>Start over</source>
            <translation>Start over</translation>
        </message>
    </context>
    <context>
        <name>EventDetailsPage</name>
        <message>
            <source>Your event</source>
            <translation>Your event</translation>
        </message>
        <message>
            <source>Where and when is the show? Times of leads and follow-ups use this.</source>
            <translation>Where and when is the show? Times of leads and follow-ups use this.</translation>
        </message>
        <message>
            <source>e.g. Hannover Messe 2027</source>
            <translation>e.g. Hannover Messe 2027</translation>
        </message>
        <message>
            <source>e.g. Hall 7, C42</source>
            <translation>e.g. Hall 7, C42</translation>
        </message>
        <message>
            <source>2-letter code, e.g. DE</source>
            <translation>2-letter code, e.g. DE</translation>
        </message>
        <message>
            <source>Event name *</source>
            <translation>Event name *</translation>
        </message>
        <message>
            <source>Venue</source>
            <translation>Venue</translation>
        </message>
        <message>
            <source>Booth</source>
            <translation>Booth</translation>
        </message>
        <message>
            <source>Country</source>
            <translation>Country</translation>
        </message>
        <message>
            <source>Time zone *</source>
            <translation>Time zone *</translation>
        </message>
        <message>
            <source>First day</source>
            <translation>First day</translation>
        </message>
        <message>
            <source>Last day</source>
            <translation>Last day</translation>
        </message>
    </context>
    <context>
        <name>EventSettingsPage</name>
        <message>
            <source>{0}: questions, scoring, rating, routing</source>
            <translation>{0}: questions, scoring, rating, routing</translation>
        </message>
        <message>
            <source>Edit and press Save (Ctrl+S). Changing a rule never rewrites answers already captured; use 'boothapp leads reroute' to route again.</source>
            <translation>Edit and press Save (Ctrl+S). Changing a rule never rewrites answers already captured; use 'boothapp leads reroute' to route again.</translation>
        </message>
        <message>
            <source>Form: questions, rating, reps</source>
            <translation>Form: questions, rating, reps</translation>
        </message>
        <message>
            <source>Everything (YAML)</source>
            <translation>Everything (YAML)</translation>
        </message>
        <message>
            <source>Check</source>
            <translation>Check</translation>
        </message>
        <message>
            <source>Save (Ctrl+S)</source>
            <translation>Save (Ctrl+S)</translation>
        </message>
        <message>
            <source>Revert</source>
            <translation>Revert</translation>
        </message>
        <message>
            <source>Event settings are for managers.
Ask a manager to sign in (Ctrl+L locks).</source>
            <translation>Event settings are for managers.
Ask a manager to sign in (Ctrl+L locks).</translation>
        </message>
        <message>
            <source>Unsaved event settings</source>
            <translation>Unsaved event settings</translation>
        </message>
        <message>
            <source>The event settings have unsaved changes.</source>
            <translation>The event settings have unsaved changes.</translation>
        </message>
        <message>
            <source>Save</source>
            <translation>Save</translation>
        </message>
        <message>
            <source>Discard</source>
            <translation>Discard</translation>
        </message>
        <message>
            <source>Stay here</source>
            <translation>Stay here</translation>
        </message>
        <message>
            <source>Changed: Save (Ctrl+S) to keep it</source>
            <translation>Changed: Save (Ctrl+S) to keep it</translation>
        </message>
        <message>
            <source>{0} problem(s): nothing saved</source>
            <translation>{0} problem(s): nothing saved</translation>
        </message>
        <message>
            <source>Looks good</source>
            <translation>Looks good</translation>
        </message>
        <message>
            <source>Not saved: {0}</source>
            <translation>Not saved: {0}</translation>
        </message>
        <message>
            <source>Saved as revision {0}</source>
            <translation>Saved as revision {0}</translation>
        </message>
    </context>
    <context>
        <name>ExportDialog</name>
        <message>
            <source>CSV (Excel, any CRM)</source>
            <translation>CSV (Excel, any CRM)</translation>
        </message>
        <message>
            <source>Excel workbook (XLSX)</source>
            <translation>Excel workbook (XLSX)</translation>
        </message>
        <message>
            <source>Post-show report (PDF)</source>
            <translation>Post-show report (PDF)</translation>
        </message>
        <message>
            <source>Export — {0}</source>
            <translation>Export — {0}</translation>
        </message>
        <message>
            <source>Choose…</source>
            <translation>Choose…</translation>
        </message>
        <message>
            <source>Excel-friendly CSV (UTF-8 with BOM, accents show right)</source>
            <translation>Excel-friendly CSV (UTF-8 with BOM, accents show right)</translation>
        </message>
        <message>
            <source>Comma ,</source>
            <translation>Comma ,</translation>
        </message>
        <message>
            <source>Semicolon ;</source>
            <translation>Semicolon ;</translation>
        </message>
        <message>
            <source>Tab</source>
            <translation>Tab</translation>
        </message>
        <message>
            <source>Pipe |</source>
            <translation>Pipe |</translation>
        </message>
        <message>
            <source>Only sales-qualified leads</source>
            <translation>Only sales-qualified leads</translation>
        </message>
        <message>
            <source>Only hot and warm leads</source>
            <translation>Only hot and warm leads</translation>
        </message>
        <message>
            <source>Leave out leads marked 'please delete'</source>
            <translation>Leave out leads marked 'please delete'</translation>
        </message>
        <message>
            <source>Export</source>
            <translation>Export</translation>
        </message>
        <message>
            <source>Open folder</source>
            <translation>Open folder</translation>
        </message>
        <message>
            <source>Cancel export</source>
            <translation>Cancel export</translation>
        </message>
        <message>
            <source>Close</source>
            <translation>Close</translation>
        </message>
        <message>
            <source>What</source>
            <translation>What</translation>
        </message>
        <message>
            <source>File</source>
            <translation>File</translation>
        </message>
        <message>
            <source>CSV delimiter</source>
            <translation>CSV delimiter</translation>
        </message>
        <message>
            <source>Filter</source>
            <translation>Filter</translation>
        </message>
        <message>
            <source>Columns</source>
            <translation>Columns</translation>
        </message>
        <message>
            <source>Export to</source>
            <translation>Export to</translation>
        </message>
        <message>
            <source>Cannot use that folder: {0}</source>
            <translation>Cannot use that folder: {0}</translation>
        </message>
        <message>
            <source>Working…</source>
            <translation>Working…</translation>
        </message>
        <message>
            <source>Report on {0} leads written to {1}</source>
            <translation>Report on {0} leads written to {1}</translation>
        </message>
        <message>
            <source>Tick at least one column.</source>
            <translation>Tick at least one column.</translation>
        </message>
        <message>
            <source>{0} leads written to {1}</source>
            <translation>{0} leads written to {1}</translation>
        </message>
        <message>
            <source>Cancelling…</source>
            <translation>Cancelling…</translation>
        </message>
        <message>
            <source>Export cancelled: no file written.</source>
            <translation>Export cancelled: no file written.</translation>
        </message>
        <message>
            <source>Not exported: {0}</source>
            <translation>Not exported: {0}</translation>
        </message>
    </context>
    <context>
        <name>Faults</name>
        <message>
            <source>Something went wrong ({0}); what was saved is safe. Details: {1}</source>
            <translation>Something went wrong ({0}); what was saved is safe. Details: {1}</translation>
        </message>
    </context>
    <context>
        <name>FollowUpOutputsBar</name>
        <message>
            <source>Calendar (.ics)…</source>
            <translation>Calendar (.ics)…</translation>
        </message>
        <message>
            <source>Print letters (PDF)…</source>
            <translation>Print letters (PDF)…</translation>
        </message>
        <message>
            <source>Put the letters due by today, for every owner, into one PDF to print; they are marked printed and leave the queue ({0})</source>
            <translation>Put the letters due by today, for every owner, into one PDF to print; they are marked printed and leave the queue ({0})</translation>
        </message>
        <message>
            <source>Open</source>
            <translation>Open</translation>
        </message>
        <message>
            <source>Show in folder</source>
            <translation>Show in folder</translation>
        </message>
        <message>
            <source>Save {0}'s open calls and letters as a calendar file ({1})</source>
            <translation>Save {0}'s open calls and letters as a calendar file ({1})</translation>
        </message>
        <message>
            <source>Choose an owner first: a calendar is one person's follow-ups</source>
            <translation>Choose an owner first: a calendar is one person's follow-ups</translation>
        </message>
        <message>
            <source>Collecting {0}'s follow-ups…</source>
            <translation>Collecting {0}'s follow-ups…</translation>
        </message>
        <message>
            <source>{0} has no open calls or letters: no calendar to save.</source>
            <translation>{0} has no open calls or letters: no calendar to save.</translation>
        </message>
        <message>
            <source>Calendar not saved: {0}</source>
            <translation>Calendar not saved: {0}</translation>
        </message>
        <message>
            <source>Save {0}'s follow-up calendar</source>
            <translation>Save {0}'s follow-up calendar</translation>
        </message>
        <message>
            <source>Calendar (*.ics)</source>
            <translation>Calendar (*.ics)</translation>
        </message>
        <message>
            <source>Saving {0}…</source>
            <translation>Saving {0}…</translation>
        </message>
        <message>
            <source>{0} for {1} saved to {2}</source>
            <translation>{0} for {1} saved to {2}</translation>
        </message>
        <message>
            <source>Looking for letters due…</source>
            <translation>Looking for letters due…</translation>
        </message>
        <message>
            <source>Letters not printed: {0}</source>
            <translation>Letters not printed: {0}</translation>
        </message>
        <message>
            <source>No letters due by today ({0}): nothing to print.</source>
            <translation>No letters due by today ({0}): nothing to print.</translation>
        </message>
        <message>
            <source>Save {0} as PDF</source>
            <translation>Save {0} as PDF</translation>
        </message>
        <message>
            <source>PDF (*.pdf)</source>
            <translation>PDF (*.pdf)</translation>
        </message>
        <message>
            <source>Printing {0} to {1}…</source>
            <translation>Printing {0} to {1}…</translation>
        </message>
        <message>
            <source>Letters not printed: {0}; they stay in the queue.</source>
            <translation>Letters not printed: {0}; they stay in the queue.</translation>
        </message>
        <message>
            <source>{0} saved to {1}, marked printed</source>
            <translation>{0} saved to {1}, marked printed</translation>
        </message>
    </context>
    <context>
        <name>FollowUpQueuePage</name>
        <message>
            <source>Everyone</source>
            <translation>Everyone</translation>
        </message>
        <message>
            <source>Refresh</source>
            <translation>Refresh</translation>
        </message>
        <message>
            <source>Send email</source>
            <translation>Send email</translation>
        </message>
        <message>
            <source>It was sent</source>
            <translation>It was sent</translation>
        </message>
        <message>
            <source>Not sent: send again</source>
            <translation>Not sent: send again</translation>
        </message>
        <message>
            <source>Owner</source>
            <translation>Owner</translation>
        </message>
        <message>
            <source>{0} (the visitor's own where it differs)</source>
            <translation>{0} (the visitor's own where it differs)</translation>
        </message>
        <message>
            <source>Loading…</source>
            <translation>Loading…</translation>
        </message>
        <message numerus="yes">
            <source>%Ln due</source>
            <translation>
                <numerusform>%Ln due</numerusform>
                <numerusform>%Ln due</numerusform>
            </translation>
        </message>
        <message>
            <source>{0}, {1} overdue</source>
            <translation>{0}, {1} overdue</translation>
        </message>
        <message>
            <source>Nothing due. Well done.</source>
            <translation>Nothing due. Well done.</translation>
        </message>
        <message>
            <source>{0} #{1} · {2}</source>
            <translation>{0} #{1} · {2}</translation>
        </message>
        <message>
            <source>Set up the SMTP server in the event settings first</source>
            <translation>Set up the SMTP server in the event settings first</translation>
        </message>
        <message>
            <source>Saving {0}…</source>
            <translation>Saving {0}…</translation>
        </message>
        <message>
            <source>Saving…</source>
            <translation>Saving…</translation>
        </message>
        <message>
            <source>Marked sent</source>
            <translation>Marked sent</translation>
        </message>
        <message>
            <source>Will be sent again</source>
            <translation>Will be sent again</translation>
        </message>
        <message>
            <source>Not sent: the mail password is needed</source>
            <translation>Not sent: the mail password is needed</translation>
        </message>
        <message>
            <source>Sending…</source>
            <translation>Sending…</translation>
        </message>
        <message>
            <source>Sent</source>
            <translation>Sent</translation>
        </message>
        <message>
            <source>Not sent now: outside the lead's sending window or already mailed today; moved to their next slot</source>
            <translation>Not sent now: outside the lead's sending window or already mailed today; moved to their next slot</translation>
        </message>
        <message>
            <source>Not sent: {0}</source>
            <translation>Not sent: {0}</translation>
        </message>
        <message>
            <source>Not sent: no marketing consent or address</source>
            <translation>Not sent: no marketing consent or address</translation>
        </message>
        <message>
            <source>Failed: {0}</source>
            <translation>Failed: {0}</translation>
        </message>
    </context>
    <context>
        <name>FollowUps</name>
        <message>
            <source>{0} ({1} in {2})</source>
            <translation>{0} ({1} in {2})</translation>
        </message>
        <message>
            <source>CHECK SENT FOLDER · </source>
            <translation>CHECK SENT FOLDER · </translation>
        </message>
        <message>
            <source>OVERDUE · </source>
            <translation>OVERDUE · </translation>
        </message>
        <message>
            <source>Language</source>
            <translation>Language</translation>
        </message>
        <message>
            <source>No further touches: {0}</source>
            <translation>No further touches: {0}</translation>
        </message>
        <message>
            <source>Next: {0} {1} · {2}</source>
            <translation>Next: {0} {1} · {2}</translation>
        </message>
        <message>
            <source>Email</source>
            <translation>Email</translation>
        </message>
        <message>
            <source>Call</source>
            <translation>Call</translation>
        </message>
        <message>
            <source>Letter</source>
            <translation>Letter</translation>
        </message>
        <message>
            <source>CRM task</source>
            <translation>CRM task</translation>
        </message>
        <message>
            <source>Reached</source>
            <translation>Reached</translation>
        </message>
        <message>
            <source>Voicemail</source>
            <translation>Voicemail</translation>
        </message>
        <message>
            <source>No answer</source>
            <translation>No answer</translation>
        </message>
        <message>
            <source>Not interested</source>
            <translation>Not interested</translation>
        </message>
        <message>
            <source>Meeting booked</source>
            <translation>Meeting booked</translation>
        </message>
        <message>
            <source>Wrong number</source>
            <translation>Wrong number</translation>
        </message>
    </context>
    <context>
        <name>FollowupOutputsBar</name>
        <message>
            <source>{0} - {1} follow-ups</source>
            <translation>{0} - {1} follow-ups</translation>
        </message>
        <message>
            <source>{0} - letters {1}</source>
            <translation>{0} - letters {1}</translation>
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
            <translation>Mail password</translation>
        </message>
        <message>
            <source>Password for {0}
(kept in the system keyring, asked once):</source>
            <translation>Password for {0}
(kept in the system keyring, asked once):</translation>
        </message>
    </context>
    <context>
        <name>HubFooter</name>
        <message>
            <source>Hub: connecting…</source>
            <translation>Hub: connecting…</translation>
        </message>
        <message>
            <source>Hub refused this kiosk</source>
            <translation>Hub refused this kiosk</translation>
        </message>
        <message numerus="yes">
            <source>%n waiting</source>
            <translation>
                <numerusform>%n waiting</numerusform>
            </translation>
        </message>
        <message>
            <source>all shared</source>
            <translation>all shared</translation>
        </message>
        <message>
            <source>Hub's certificate not accepted (TLS) · {waiting}</source>
            <translation>Hub's certificate not accepted (TLS) · {waiting}</translation>
        </message>
        <message>
            <source>Hub needs an upgrade (boothapp hub init) · {waiting}</source>
            <translation>Hub needs an upgrade (boothapp hub init) · {waiting}</translation>
        </message>
        <message>
            <source>Hub error · {waiting}</source>
            <translation>Hub error · {waiting}</translation>
        </message>
        <message>
            <source>Hub online · all shared</source>
            <translation>Hub online · all shared</translation>
        </message>
        <message>
            <source>Hub offline · all shared</source>
            <translation>Hub offline · all shared</translation>
        </message>
        <message numerus="yes">
            <source>Hub online · %n waiting</source>
            <translation>
                <numerusform>Hub online · %n waiting</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Hub offline · %n waiting</source>
            <translation>
                <numerusform>Hub offline · %n waiting</numerusform>
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
            <translation>Too many wrong PINs. Try again in {s} s</translation>
        </message>
        <message>
            <source>Still there? Starting over in {s} s — touch to continue</source>
            <translation>Still there? Starting over in {s} s — touch to continue</translation>
        </message>
        <message>
            <source>Sorry, that did not work. Please ask our staff.</source>
            <translation>Sorry, that did not work. Please ask our staff.</translation>
        </message>
    </context>
    <context>
        <name>LeadDetail</name>
        <message>
            <source>Please delete</source>
            <translation>Please delete</translation>
        </message>
        <message>
            <source>Stage</source>
            <translation>Stage</translation>
        </message>
        <message>
            <source>Notes</source>
            <translation>Notes</translation>
        </message>
        <message>
            <source>Rating</source>
            <translation>Rating</translation>
        </message>
        <message>
            <source>Answers</source>
            <translation>Answers</translation>
        </message>
        <message>
            <source>Owner</source>
            <translation>Owner</translation>
        </message>
        <message>
            <source>someone</source>
            <translation>someone</translation>
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
            <translation>yes</translation>
        </message>
        <message>
            <source>no</source>
            <translation>no</translation>
        </message>
        <message>
            <source>(empty)</source>
            <translation>(empty)</translation>
        </message>
        <message>
            <source>none planned</source>
            <translation>none planned</translation>
        </message>
        <message>
            <source>Next: {0} {1} {2}</source>
            <translation>Next: {0} {1} {2}</translation>
        </message>
        <message>
            <source>No open touches</source>
            <translation>No open touches</translation>
        </message>
        <message>
            <source>{0} done</source>
            <translation>{0} done</translation>
        </message>
        <message>
            <source>{0} open</source>
            <translation>{0} open</translation>
        </message>
        <message>
            <source>{0} need attention (bounced or interrupted)</source>
            <translation>{0} need attention (bounced or interrupted)</translation>
        </message>
        <message>
            <source>last: {0}</source>
            <translation>last: {0}</translation>
        </message>
    </context>
    <context>
        <name>LeadDetailPanel</name>
        <message>
            <source>Select a lead</source>
            <translation>Select a lead</translation>
        </message>
        <message>
            <source>Add a note (kept with your name and the time)</source>
            <translation>Add a note (kept with your name and the time)</translation>
        </message>
        <message>
            <source>(routing decides)</source>
            <translation>(routing decides)</translation>
        </message>
        <message>
            <source>Managers change the owner; routing chose it at capture</source>
            <translation>Managers change the owner; routing chose it at capture</translation>
        </message>
        <message>
            <source>Save changes (Ctrl+S)</source>
            <translation>Save changes (Ctrl+S)</translation>
        </message>
        <message>
            <source>Please delete</source>
            <translation>Please delete</translation>
        </message>
        <message>
            <source>Junk or test entry: an administrator reviews flagged leads; nothing is deleted now</source>
            <translation>Junk or test entry: an administrator reviews flagged leads; nothing is deleted now</translation>
        </message>
        <message>
            <source>none planned</source>
            <translation>none planned</translation>
        </message>
        <message>
            <source>Close (Esc)</source>
            <translation>Close (Esc)</translation>
        </message>
        <message>
            <source>Lead sheet (PDF)…</source>
            <translation>Lead sheet (PDF)…</translation>
        </message>
        <message>
            <source>One page for the rep who takes this lead over</source>
            <translation>One page for the rep who takes this lead over</translation>
        </message>
        <message>
            <source>Rating</source>
            <translation>Rating</translation>
        </message>
        <message>
            <source>Owner</source>
            <translation>Owner</translation>
        </message>
        <message>
            <source>Stage</source>
            <translation>Stage</translation>
        </message>
        <message>
            <source>Follow-ups</source>
            <translation>Follow-ups</translation>
        </message>
        <message>
            <source>Sync</source>
            <translation>Sync</translation>
        </message>
        <message>
            <source>Contact</source>
            <translation>Contact</translation>
        </message>
        <message>
            <source>Answers</source>
            <translation>Answers</translation>
        </message>
        <message>
            <source>Notes</source>
            <translation>Notes</translation>
        </message>
        <message>
            <source>Pipeline</source>
            <translation>Pipeline</translation>
        </message>
        <message>
            <source>History</source>
            <translation>History</translation>
        </message>
        <message>
            <source>Loading…</source>
            <translation>Loading…</translation>
        </message>
        <message>
            <source>Could not load follow-ups: {0}</source>
            <translation>Could not load follow-ups: {0}</translation>
        </message>
        <message>
            <source>Could not open the lead: {0}</source>
            <translation>Could not open the lead: {0}</translation>
        </message>
        <message>
            <source> by {0}</source>
            <translation> by {0}</translation>
        </message>
        <message>
            <source>{0} · score {1} · captured {2}{3}</source>
            <translation>{0} · score {1} · captured {2}{3}</translation>
        </message>
        <message>
            <source>(none)</source>
            <translation>(none)</translation>
        </message>
        <message>
            <source>No edits yet</source>
            <translation>No edits yet</translation>
        </message>
        <message>
            <source>a colleague</source>
            <translation>a colleague</translation>
        </message>
        <message>
            <source>Captured by {who}: only they or a manager edit it</source>
            <translation>Captured by {who}: only they or a manager edit it</translation>
        </message>
        <message>
            <source>Nothing changed</source>
            <translation>Nothing changed</translation>
        </message>
        <message>
            <source>Saving…</source>
            <translation>Saving…</translation>
        </message>
        <message>
            <source>Saved</source>
            <translation>Saved</translation>
        </message>
        <message>
            <source>Not saved: {0}</source>
            <translation>Not saved: {0}</translation>
        </message>
    </context>
    <context>
        <name>LeadForm</name>
        <message>
            <source>Notes — Enter saves · Shift+Enter or Ctrl+Enter: new line</source>
            <translation>Notes — Enter saves · Shift+Enter or Ctrl+Enter: new line</translation>
        </message>
        <message>
            <source>Discard what you typed? Esc again discards; keep typing to stay.</source>
            <translation>Discard what you typed? Esc again discards; keep typing to stay.</translation>
        </message>
        <message>
            <source>New lead</source>
            <translation>New lead</translation>
        </message>
        <message>
            <source>Referred by (name or company)</source>
            <translation>Referred by (name or company)</translation>
        </message>
        <message>
            <source>Cancel (Esc)</source>
            <translation>Cancel (Esc)</translation>
        </message>
        <message>
            <source>Save (Enter)</source>
            <translation>Save (Enter)</translation>
        </message>
        <message>
            <source>Walk-in visitor</source>
            <translation>Walk-in visitor</translation>
        </message>
        <message>
            <source>Badge scanned</source>
            <translation>Badge scanned</translation>
        </message>
        <message>
            <source>qualified for sales</source>
            <translation>qualified for sales</translation>
        </message>
        <message>
            <source>nurture</source>
            <translation>nurture</translation>
        </message>
        <message>
            <source> (your rating)</source>
            <translation> (your rating)</translation>
        </message>
        <message>
            <source>Score {0} → suggested {1}{2}; {3}</source>
            <translation>Score {0} → suggested {1}{2}; {3}</translation>
        </message>
        <message>
            <source>Please answer: </source>
            <translation>Please answer: </translation>
        </message>
        <message>
            <source>Email: {0}</source>
            <translation>Email: {0}</translation>
        </message>
        <message>
            <source>Not saved: {0}</source>
            <translation>Not saved: {0}</translation>
        </message>
    </context>
    <context>
        <name>Leads</name>
        <message>
            <source>Name</source>
            <translation>Name</translation>
        </message>
        <message>
            <source>Company</source>
            <translation>Company</translation>
        </message>
        <message>
            <source>Rating</source>
            <translation>Rating</translation>
        </message>
        <message>
            <source>Stage</source>
            <translation>Stage</translation>
        </message>
        <message>
            <source>Staff</source>
            <translation>Staff</translation>
        </message>
        <message>
            <source>Captured</source>
            <translation>Captured</translation>
        </message>
        <message>
            <source>Sync</source>
            <translation>Sync</translation>
        </message>
        <message>
            <source>Hot</source>
            <translation>Hot</translation>
        </message>
        <message>
            <source>Warm</source>
            <translation>Warm</translation>
        </message>
        <message>
            <source>Cold</source>
            <translation>Cold</translation>
        </message>
        <message>
            <source>To contact</source>
            <translation>To contact</translation>
        </message>
        <message>
            <source>In contact</source>
            <translation>In contact</translation>
        </message>
        <message>
            <source>Follow-up</source>
            <translation>Follow-up</translation>
        </message>
        <message>
            <source>Quote to prepare</source>
            <translation>Quote to prepare</translation>
        </message>
        <message>
            <source>Quote sent</source>
            <translation>Quote sent</translation>
        </message>
        <message>
            <source>Won</source>
            <translation>Won</translation>
        </message>
        <message>
            <source>Not interested</source>
            <translation>Not interested</translation>
        </message>
        <message>
            <source>Not queued</source>
            <translation>Not queued</translation>
        </message>
        <message>
            <source>Pending</source>
            <translation>Pending</translation>
        </message>
        <message>
            <source>Synced</source>
            <translation>Synced</translation>
        </message>
        <message>
            <source>Failed</source>
            <translation>Failed</translation>
        </message>
        <message>
            <source>{0}  (please delete)</source>
            <translation>{0}  (please delete)</translation>
        </message>
    </context>
    <context>
        <name>LeadsPage</name>
        <message>
            <source>Searching…</source>
            <translation>Searching…</translation>
        </message>
        <message>
            <source>Search name, company, e-mail, notes   (Ctrl+F)</source>
            <translation>Search name, company, e-mail, notes   (Ctrl+F)</translation>
        </message>
        <message>
            <source>Rating</source>
            <translation>Rating</translation>
        </message>
        <message>
            <source>Staff</source>
            <translation>Staff</translation>
        </message>
        <message>
            <source>Day</source>
            <translation>Day</translation>
        </message>
        <message>
            <source>Stage</source>
            <translation>Stage</translation>
        </message>
        <message>
            <source>Sync</source>
            <translation>Sync</translation>
        </message>
        <message>
            <source>Only “please delete”</source>
            <translation>Only “please delete”</translation>
        </message>
        <message>
            <source>Could not load: {0}</source>
            <translation>Could not load: {0}</translation>
        </message>
        <message>
            <source>{0}: any</source>
            <translation>{0}: any</translation>
        </message>
    </context>
    <context>
        <name>MailHeaders</name>
        <message>
            <source>From</source>
            <translation>From</translation>
        </message>
        <message>
            <source>To</source>
            <translation>To</translation>
        </message>
        <message>
            <source>Subject</source>
            <translation>Subject</translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <source>Ready</source>
            <translation>Ready</translation>
        </message>
        <message>
            <source>Quit</source>
            <translation>Quit</translation>
        </message>
    </context>
    <context>
        <name>ManagerPinDialog</name>
        <message>
            <source>Manager PIN</source>
            <translation>Manager PIN</translation>
        </message>
        <message>
            <source>{action} is for a manager: manager PIN</source>
            <translation>{action} is for a manager: manager PIN</translation>
        </message>
        <message>
            <source>Checking…</source>
            <translation>Checking…</translation>
        </message>
        <message>
            <source>Too many wrong PINs: wait {s} s</source>
            <translation>Too many wrong PINs: wait {s} s</translation>
        </message>
        <message>
            <source>Not a manager's PIN ({n} tries left)</source>
            <translation>Not a manager's PIN ({n} tries left)</translation>
        </message>
    </context>
    <context>
        <name>Navigation</name>
        <message>
            <source>Sign in</source>
            <translation>Sign in</translation>
        </message>
        <message>
            <source>Scan</source>
            <translation>Scan</translation>
        </message>
        <message>
            <source>Leads</source>
            <translation>Leads</translation>
        </message>
        <message>
            <source>Dashboard</source>
            <translation>Dashboard</translation>
        </message>
        <message>
            <source>Follow-ups</source>
            <translation>Follow-ups</translation>
        </message>
        <message>
            <source>CRM sync</source>
            <translation>CRM sync</translation>
        </message>
        <message>
            <source>Event settings</source>
            <translation>Event settings</translation>
        </message>
        <message>
            <source>Results</source>
            <translation>Results</translation>
        </message>
        <message>
            <source>Deletion requests</source>
            <translation>Deletion requests</translation>
        </message>
        <message>
            <source>Audit log</source>
            <translation>Audit log</translation>
        </message>
    </context>
    <context>
        <name>OnScreenKeyboard</name>
        <message>
            <source>Latin letters</source>
            <translation>Latin letters</translation>
        </message>
    </context>
    <context>
        <name>PinPad</name>
        <message>
            <source>Wrong PIN</source>
            <translation>Wrong PIN</translation>
        </message>
        <message>
            <source>Staff PIN</source>
            <translation>Staff PIN</translation>
        </message>
        <message>
            <source>Backspace</source>
            <translation>Backspace</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>Cancel</translation>
        </message>
        <message>
            <source>OK</source>
            <translation>OK</translation>
        </message>
        <message>
            <source>Enter</source>
            <translation>Enter</translation>
        </message>
    </context>
    <context>
        <name>QLineEdit</name>
        <message>
            <source>&amp;Undo</source>
            <translation>&amp;Undo</translation>
        </message>
        <message>
            <source>&amp;Redo</source>
            <translation>&amp;Redo</translation>
        </message>
        <message>
            <source>Cu&amp;t</source>
            <translation>Cu&amp;t</translation>
        </message>
        <message>
            <source>&amp;Copy</source>
            <translation>&amp;Copy</translation>
        </message>
        <message>
            <source>&amp;Paste</source>
            <translation>&amp;Paste</translation>
        </message>
        <message>
            <source>Delete</source>
            <translation>Delete</translation>
        </message>
        <message>
            <source>Select All</source>
            <translation>Select All</translation>
        </message>
    </context>
    <context>
        <name>QMessageBox</name>
        <message>
            <source>Show Details...</source>
            <translation>Show Details...</translation>
        </message>
        <message>
            <source>Hide Details...</source>
            <translation>Hide Details...</translation>
        </message>
    </context>
    <context>
        <name>QPlatformTheme</name>
        <message>
            <source>OK</source>
            <translation>OK</translation>
        </message>
        <message>
            <source>Save</source>
            <translation>Save</translation>
        </message>
        <message>
            <source>Open</source>
            <translation>Open</translation>
        </message>
        <message>
            <source>&amp;Yes</source>
            <translation>&amp;Yes</translation>
        </message>
        <message>
            <source>&amp;No</source>
            <translation>&amp;No</translation>
        </message>
        <message>
            <source>Close</source>
            <translation>Close</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>Cancel</translation>
        </message>
        <message>
            <source>Discard</source>
            <translation>Discard</translation>
        </message>
        <message>
            <source>Apply</source>
            <translation>Apply</translation>
        </message>
        <message>
            <source>Reset</source>
            <translation>Reset</translation>
        </message>
        <message>
            <source>Retry</source>
            <translation>Retry</translation>
        </message>
        <message>
            <source>Ignore</source>
            <translation>Ignore</translation>
        </message>
        <message>
            <source>Abort</source>
            <translation>Abort</translation>
        </message>
        <message>
            <source>Help</source>
            <translation>Help</translation>
        </message>
    </context>
    <context>
        <name>QWidgetTextControl</name>
        <message>
            <source>&amp;Undo</source>
            <translation>&amp;Undo</translation>
        </message>
        <message>
            <source>&amp;Redo</source>
            <translation>&amp;Redo</translation>
        </message>
        <message>
            <source>Cu&amp;t</source>
            <translation>Cu&amp;t</translation>
        </message>
        <message>
            <source>&amp;Copy</source>
            <translation>&amp;Copy</translation>
        </message>
        <message>
            <source>Copy &amp;Link Location</source>
            <translation>Copy &amp;Link Location</translation>
        </message>
        <message>
            <source>&amp;Paste</source>
            <translation>&amp;Paste</translation>
        </message>
        <message>
            <source>Delete</source>
            <translation>Delete</translation>
        </message>
        <message>
            <source>Select All</source>
            <translation>Select All</translation>
        </message>
    </context>
    <context>
        <name>QWizard</name>
        <message>
            <source>&lt; &amp;Back</source>
            <translation>&lt; &amp;Back</translation>
        </message>
        <message>
            <source>&amp;Next &gt;</source>
            <translation>&amp;Next &gt;</translation>
        </message>
        <message>
            <source>&amp;Finish</source>
            <translation>&amp;Finish</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>Cancel</translation>
        </message>
        <message>
            <source>&amp;Help</source>
            <translation>&amp;Help</translation>
        </message>
    </context>
    <context>
        <name>QuestionInput</name>
        <message>
            <source>Key {0}</source>
            <translation>Key {0}</translation>
        </message>
    </context>
    <context>
        <name>QuestionsPage</name>
        <message>
            <source>What interests you?</source>
            <translation>What interests you?</translation>
        </message>
        <message>
            <source>Back</source>
            <translation>Back</translation>
        </message>
        <message>
            <source>Next</source>
            <translation>Next</translation>
        </message>
    </context>
    <context>
        <name>RecoveryKeyPage</name>
        <message>
            <source>Recovery key</source>
            <translation>Recovery key</translation>
        </message>
        <message>
            <source>The lead database is encrypted. Print this key or write it down and keep it away from this laptop: it opens the database on another computer.</source>
            <translation>The lead database is encrypted. Print this key or write it down and keep it away from this laptop: it opens the database on another computer.</translation>
        </message>
        <message>
            <source>On this computer the key is kept in %1.</source>
            <translation>On this computer the key is kept in %1.</translation>
        </message>
        <message>
            <source>No system keyring was found: the key sits in a file beside the database, so the encryption protects a copy of the database, not this folder.</source>
            <translation>No system keyring was found: the key sits in a file beside the database, so the encryption protects a copy of the database, not this folder.</translation>
        </message>
        <message>
            <source>Copy</source>
            <translation>Copy</translation>
        </message>
        <message>
            <source>Print…</source>
            <translation>Print…</translation>
        </message>
        <message>
            <source>I have printed or written down the recovery key</source>
            <translation>I have printed or written down the recovery key</translation>
        </message>
        <message>
            <source>BoothApp database recovery key</source>
            <translation>BoothApp database recovery key</translation>
        </message>
        <message>
            <source>Type it into “boothapp db restore-key” on another computer.</source>
            <translation>Type it into “boothapp db restore-key” on another computer.</translation>
        </message>
    </context>
    <context>
        <name>RestoreKeyDialog</name>
        <message>
            <source>Database key needed</source>
            <translation>Database key needed</translation>
        </message>
        <message>
            <source>This computer has no key for the encrypted lead database. Type the recovery key the manager printed at set-up (or see “boothapp db recovery-key” on the laptop that made it).</source>
            <translation>This computer has no key for the encrypted lead database. Type the recovery key the manager printed at set-up (or see “boothapp db recovery-key” on the laptop that made it).</translation>
        </message>
        <message>
            <source>Recovery key</source>
            <translation>Recovery key</translation>
        </message>
        <message>
            <source>Open database</source>
            <translation>Open database</translation>
        </message>
    </context>
    <context>
        <name>ResultsPage</name>
        <message>
            <source>Results: {0}</source>
            <translation>Results: {0}</translation>
        </message>
        <message>
            <source>Refresh</source>
            <translation>Refresh</translation>
        </message>
        <message>
            <source>Pull deals from CRM</source>
            <translation>Pull deals from CRM</translation>
        </message>
        <message>
            <source>Compare with… (none)</source>
            <translation>Compare with… (none)</translation>
        </message>
        <message>
            <source>Open this page (F8) or press Refresh to work out the results.</source>
            <translation>Open this page (F8) or press Refresh to work out the results.</translation>
        </message>
        <message>
            <source>Working out the results…</source>
            <translation>Working out the results…</translation>
        </message>
        <message>
            <source>Reading deals back from the CRM…</source>
            <translation>Reading deals back from the CRM…</translation>
        </message>
        <message>
            <source>Results not available: {0}</source>
            <translation>Results not available: {0}</translation>
        </message>
        <message>
            <source>(nobody)</source>
            <translation>(nobody)</translation>
        </message>
        <message>
            <source>From {0} leads, their follow-ups and the deals pulled back from the CRM · as of {1}</source>
            <translation>From {0} leads, their follow-ups and the deals pulled back from the CRM · as of {1}</translation>
        </message>
        <message>
            <source>Compare with {0}</source>
            <translation>Compare with {0}</translation>
        </message>
        <message>
            <source>Headline</source>
            <translation>Headline</translation>
        </message>
        <message>
            <source>Figure</source>
            <translation>Figure</translation>
        </message>
        <message>
            <source>Value</source>
            <translation>Value</translation>
        </message>
        <message>
            <source>Side by side with {0}</source>
            <translation>Side by side with {0}</translation>
        </message>
        <message>
            <source>Funnel</source>
            <translation>Funnel</translation>
        </message>
        <message>
            <source>Money</source>
            <translation>Money</translation>
        </message>
        <message>
            <source>Currency</source>
            <translation>Currency</translation>
        </message>
        <message>
            <source>Pipeline</source>
            <translation>Pipeline</translation>
        </message>
        <message>
            <source>Won</source>
            <translation>Won</translation>
        </message>
        <message>
            <source>Open</source>
            <translation>Open</translation>
        </message>
        <message>
            <source>Lost</source>
            <translation>Lost</translation>
        </message>
        <message>
            <source>Won/open/lost</source>
            <translation>Won/open/lost</translation>
        </message>
        <message>
            <source>No deals yet: “Pull deals from CRM” brings them back.</source>
            <translation>No deals yet: “Pull deals from CRM” brings them back.</translation>
        </message>
        <message>
            <source>Speed to lead</source>
            <translation>Speed to lead</translation>
        </message>
        <message>
            <source>First contact</source>
            <translation>First contact</translation>
        </message>
        <message>
            <source>Leads</source>
            <translation>Leads</translation>
        </message>
        <message>
            <source>Meeting</source>
            <translation>Meeting</translation>
        </message>
        <message>
            <source>95 % interval</source>
            <translation>95 % interval</translation>
        </message>
        <message>
            <source>Did 'hot' predict won? By rating</source>
            <translation>Did 'hot' predict won? By rating</translation>
        </message>
        <message>
            <source>Rating</source>
            <translation>Rating</translation>
        </message>
        <message>
            <source>By rep</source>
            <translation>By rep</translation>
        </message>
        <message>
            <source>Rep</source>
            <translation>Rep</translation>
        </message>
        <message>
            <source>First touch that got an answer</source>
            <translation>First touch that got an answer</translation>
        </message>
        <message>
            <source>Weekday</source>
            <translation>Weekday</translation>
        </message>
        <message>
            <source>First touches</source>
            <translation>First touches</translation>
        </message>
        <message>
            <source>Answered</source>
            <translation>Answered</translation>
        </message>
        <message>
            <source>Rate</source>
            <translation>Rate</translation>
        </message>
        <message>
            <source>Where leads sit now</source>
            <translation>Where leads sit now</translation>
        </message>
        <message>
            <source>Stage</source>
            <translation>Stage</translation>
        </message>
        <message>
            <source>Median days</source>
            <translation>Median days</translation>
        </message>
        <message>
            <source>Longest</source>
            <translation>Longest</translation>
        </message>
    </context>
    <context>
        <name>RosterImportDialog</name>
        <message>
            <source>Badge / registration id</source>
            <translation>Badge / registration id</translation>
        </message>
        <message>
            <source>Token</source>
            <translation>Token</translation>
        </message>
        <message>
            <source>First name</source>
            <translation>First name</translation>
        </message>
        <message>
            <source>Last name</source>
            <translation>Last name</translation>
        </message>
        <message>
            <source>Full name</source>
            <translation>Full name</translation>
        </message>
        <message>
            <source>Email</source>
            <translation>Email</translation>
        </message>
        <message>
            <source>Company</source>
            <translation>Company</translation>
        </message>
        <message>
            <source>Job title</source>
            <translation>Job title</translation>
        </message>
        <message>
            <source>Phone</source>
            <translation>Phone</translation>
        </message>
        <message>
            <source>Country</source>
            <translation>Country</translation>
        </message>
        <message>
            <source>City</source>
            <translation>City</translation>
        </message>
        <message>
            <source>Website / LinkedIn</source>
            <translation>Website / LinkedIn</translation>
        </message>
        <message>
            <source>Registration type</source>
            <translation>Registration type</translation>
        </message>
        <message>
            <source>(not in the file)</source>
            <translation>(not in the file)</translation>
        </message>
        <message>
            <source>Import the roster — {0}</source>
            <translation>Import the roster — {0}</translation>
        </message>
        <message>
            <source>The organiser's attendee list (CSV or Excel) lets id-only badges show the visitor's name and company offline.</source>
            <translation>The organiser's attendee list (CSV or Excel) lets id-only badges show the visitor's name and company offline.</translation>
        </message>
        <message>
            <source>No file chosen</source>
            <translation>No file chosen</translation>
        </message>
        <message>
            <source>Choose file…</source>
            <translation>Choose file…</translation>
        </message>
        <message>
            <source>Import</source>
            <translation>Import</translation>
        </message>
        <message>
            <source>Close</source>
            <translation>Close</translation>
        </message>
        <message>
            <source>Roster file</source>
            <translation>Roster file</translation>
        </message>
        <message>
            <source>Rosters (*.csv *.txt *.xlsx *.xls *.ods);;All files (*)</source>
            <translation>Rosters (*.csv *.txt *.xlsx *.xls *.ods);;All files (*)</translation>
        </message>
        <message>
            <source>Reading…</source>
            <translation>Reading…</translation>
        </message>
        <message>
            <source>ready to import</source>
            <translation>ready to import</translation>
        </message>
        <message>
            <source>read</source>
            <translation>read</translation>
        </message>
        <message>
            <source>, delimiter {0!r}</source>
            <translation>, delimiter {0!r}</translation>
        </message>
        <message>
            <source>{0} attendees {1}, {2} rows rejected (encoding {3}{4}).</source>
            <translation>{0} attendees {1}, {2} rows rejected (encoding {3}{4}).</translation>
        </message>
        <message>
            <source>{0} attendees added, {1} updated, {2} rows rejected; {3} in the roster now.</source>
            <translation>{0} attendees added, {1} updated, {2} rows rejected; {3} in the roster now.</translation>
        </message>
        <message>
            <source>line {0}: {1}</source>
            <translation>line {0}: {1}</translation>
        </message>
        <message>
            <source>Importing…</source>
            <translation>Importing…</translation>
        </message>
        <message>
            <source>Not imported: {0}</source>
            <translation>Not imported: {0}</translation>
        </message>
    </context>
    <context>
        <name>ScanPage</name>
        <message>
            <source>Keep last visitor</source>
            <translation>Keep last visitor</translation>
        </message>
        <message>
            <source>Hide after 10 s</source>
            <translation>Hide after 10 s</translation>
        </message>
        <message>
            <source>Hide after 30 s</source>
            <translation>Hide after 30 s</translation>
        </message>
        <message>
            <source>Hide after 1 min</source>
            <translation>Hide after 1 min</translation>
        </message>
        <message>
            <source> on {when}</source>
            <translation> on {when}</translation>
        </message>
        <message>
            <source>someone</source>
            <translation>someone</translation>
        </message>
        <message>
            <source>another device</source>
            <translation>another device</translation>
        </message>
        <message>
            <source>Scanned before by {who}{at} ({device}): this is the existing lead, no duplicate made.</source>
            <translation>Scanned before by {who}{at} ({device}): this is the existing lead, no duplicate made.</translation>
        </message>
        <message>
            <source>someone on this device</source>
            <translation>someone on this device</translation>
        </message>
        <message>
            <source>Scanned before by {who}{at}: this is the existing lead, no duplicate made.</source>
            <translation>Scanned before by {who}{at}: this is the existing lead, no duplicate made.</translation>
        </message>
        <message>
            <source>Hub: connecting…</source>
            <translation>Hub: connecting…</translation>
        </message>
        <message>
            <source>all changes shared</source>
            <translation>all changes shared</translation>
        </message>
        <message>
            <source>Hub online · {waiting}</source>
            <translation>Hub online · {waiting}</translation>
        </message>
        <message>
            <source>Hub refused this device (revoked or wrong password) · {waiting}</source>
            <translation>Hub refused this device (revoked or wrong password) · {waiting}</translation>
        </message>
        <message>
            <source>Hub's certificate not accepted (TLS), leads are kept here · {waiting}</source>
            <translation>Hub's certificate not accepted (TLS), leads are kept here · {waiting}</translation>
        </message>
        <message>
            <source>Hub needs an upgrade (boothapp hub init), leads are kept here · {waiting}</source>
            <translation>Hub needs an upgrade (boothapp hub init), leads are kept here · {waiting}</translation>
        </message>
        <message>
            <source>Hub error, leads are kept here · {waiting}</source>
            <translation>Hub error, leads are kept here · {waiting}</translation>
        </message>
        <message>
            <source>Hub offline, leads are kept here · {waiting}</source>
            <translation>Hub offline, leads are kept here · {waiting}</translation>
        </message>
        <message>
            <source>Camera off</source>
            <translation>Camera off</translation>
        </message>
        <message>
            <source>A handheld scanner still works.</source>
            <translation>A handheld scanner still works.</translation>
        </message>
        <message>
            <source>Walk-in (F5)</source>
            <translation>Walk-in (F5)</translation>
        </message>
        <message>
            <source>A visitor without a badge: type their details</source>
            <translation>A visitor without a badge: type their details</translation>
        </message>
        <message>
            <source>Badge photo</source>
            <translation>Badge photo</translation>
        </message>
        <message>
            <source>The badge cannot be read: keep a photo to type it in later</source>
            <translation>The badge cannot be read: keep a photo to type it in later</translation>
        </message>
        <message>
            <source>Ready to scan</source>
            <translation>Ready to scan</translation>
        </message>
        <message>
            <source>Hold a badge up to the camera, or scan it with the handheld scanner.
F5: walk-in without badge · F6: photo of a business card</source>
            <translation>Hold a badge up to the camera, or scan it with the handheld scanner.
F5: walk-in without badge · F6: photo of a business card</translation>
        </message>
        <message>
            <source>Hide the last visitor's name and company from the screen</source>
            <translation>Hide the last visitor's name and company from the screen</translation>
        </message>
        <message>
            <source>Just captured</source>
            <translation>Just captured</translation>
        </message>
        <message>
            <source>Sign in first: badges seen by the camera are not kept.</source>
            <translation>Sign in first: badges seen by the camera are not kept.</translation>
        </message>
        <message>
            <source>Another badge was seen by the camera: save or cancel this lead first.</source>
            <translation>Another badge was seen by the camera: save or cancel this lead first.</translation>
        </message>
        <message>
            <source>Unreadable: the scanner sent nothing usable</source>
            <translation>Unreadable: the scanner sent nothing usable</translation>
        </message>
        <message>
            <source>Next visitor's badge is read: it opens when you save or cancel this lead.</source>
            <translation>Next visitor's badge is read: it opens when you save or cancel this lead.</translation>
        </message>
        <message>
            <source>Next visitor waiting</source>
            <translation>Next visitor waiting</translation>
        </message>
        <message>
            <source>Badge read</source>
            <translation>Badge read</translation>
        </message>
        <message>
            <source>Scan not kept: {0}</source>
            <translation>Scan not kept: {0}</translation>
        </message>
        <message>
            <source>Scanned before: {0}</source>
            <translation>Scanned before: {0}</translation>
        </message>
        <message>
            <source>Unreadable badge: </source>
            <translation>Unreadable badge: </translation>
        </message>
        <message>
            <source>new visitor</source>
            <translation>new visitor</translation>
        </message>
        <message>
            <source>New lead: {0}</source>
            <translation>New lead: {0}</translation>
        </message>
        <message>
            <source>Badge scanned</source>
            <translation>Badge scanned</translation>
        </message>
        <message>
            <source>✔ {0}</source>
            <translation>✔ {0}</translation>
        </message>
        <message>
            <source>No camera picture to keep. Use 'walk-in' and type the name.</source>
            <translation>No camera picture to keep. Use 'walk-in' and type the name.</translation>
        </message>
        <message>
            <source>Photo kept to resolve later ({0}). Type what you can read: F5.</source>
            <translation>Photo kept to resolve later ({0}). Type what you can read: F5.</translation>
        </message>
        <message>
            <source>Photo not kept: {0}</source>
            <translation>Photo not kept: {0}</translation>
        </message>
        <message>
            <source>{0} · {1} · {2}</source>
            <translation>{0} · {1} · {2}</translation>
        </message>
        <message>
            <source>Saved {0}. Next visitor!</source>
            <translation>Saved {0}. Next visitor!</translation>
        </message>
        <message>
            <source>Hide after {0} s</source>
            <translation>Hide after {0} s</translation>
        </message>
        <message>
            <source>{0} visitor(s) hidden for privacy</source>
            <translation>{0} visitor(s) hidden for privacy</translation>
        </message>
    </context>
    <context>
        <name>ScanStep</name>
        <message>
            <source>Hold your badge up to the camera</source>
            <translation>Hold your badge up to the camera</translation>
        </message>
        <message>
            <source>No badge? Type your details</source>
            <translation>No badge? Type your details</translation>
        </message>
        <message>
            <source>Start over</source>
            <translation>Start over</translation>
        </message>
    </context>
    <context>
        <name>SettingsForm</name>
        <message>
            <source>Id</source>
            <translation>Id</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>Name</translation>
        </message>
        <message>
            <source>Time zone</source>
            <translation>Time zone</translation>
        </message>
        <message>
            <source>Hours</source>
            <translation>Hours</translation>
        </message>
        <message>
            <source>(question)</source>
            <translation>(question)</translation>
        </message>
        <message>
            <source>Required on the booth form</source>
            <translation>Required on the booth form</translation>
        </message>
        <message>
            <source>Add option</source>
            <translation>Add option</translation>
        </message>
        <message>
            <source>Remove option</source>
            <translation>Remove option</translation>
        </message>
        <message>
            <source>Questions, options and translations</source>
            <translation>Questions, options and translations</translation>
        </message>
        <message>
            <source>Rating thresholds and targets</source>
            <translation>Rating thresholds and targets</translation>
        </message>
        <message>
            <source>Warm from (score)</source>
            <translation>Warm from (score)</translation>
        </message>
        <message>
            <source>Hot from (score)</source>
            <translation>Hot from (score)</translation>
        </message>
        <message>
            <source>The dashboard measures each person's day against it</source>
            <translation>The dashboard measures each person's day against it</translation>
        </message>
        <message>
            <source>Leads per person per day</source>
            <translation>Leads per person per day</translation>
        </message>
        <message>
            <source>until erased</source>
            <translation>until erased</translation>
        </message>
        <message>
            <source> days</source>
            <translation> days</translation>
        </message>
        <message>
            <source>Leads neither synced nor won are erased this long after capture</source>
            <translation>Leads neither synced nor won are erased this long after capture</translation>
        </message>
        <message>
            <source>Keep unsynced leads</source>
            <translation>Keep unsynced leads</translation>
        </message>
        <message>
            <source>Add rep</source>
            <translation>Add rep</translation>
        </message>
        <message>
            <source>Remove rep</source>
            <translation>Remove rep</translation>
        </message>
        <message>
            <source>Routing reps (who gets leads)</source>
            <translation>Routing reps (who gets leads)</translation>
        </message>
        <message>
            <source>Working hours, like 09:00-17:00</source>
            <translation>Working hours, like 09:00-17:00</translation>
        </message>
        <message>
            <source>Option id</source>
            <translation>Option id</translation>
        </message>
        <message>
            <source>Default wording</source>
            <translation>Default wording</translation>
        </message>
    </context>
    <context>
        <name>SetupWizard</name>
        <message>
            <source>Set up your event</source>
            <translation>Set up your event</translation>
        </message>
        <message>
            <source>Back</source>
            <translation>Back</translation>
        </message>
        <message>
            <source>Next</source>
            <translation>Next</translation>
        </message>
        <message>
            <source>Commit</source>
            <translation>Commit</translation>
        </message>
        <message>
            <source>Finish</source>
            <translation>Finish</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>Cancel</translation>
        </message>
        <message>
            <source>Help</source>
            <translation>Help</translation>
        </message>
        <message>
            <source>Could not create the event</source>
            <translation>Could not create the event</translation>
        </message>
    </context>
    <context>
        <name>Shell</name>
        <message>
            <source>Welcome to BoothApp</source>
            <translation>Welcome to BoothApp</translation>
        </message>
        <message>
            <source>Welcome! Set up your event, or try BoothApp on a demo event first (no camera needed: a recorded badge feed plays as the camera).</source>
            <translation>Welcome! Set up your event, or try BoothApp on a demo event first (no camera needed: a recorded badge feed plays as the camera).</translation>
        </message>
        <message>
            <source>Set up my event</source>
            <translation>Set up my event</translation>
        </message>
        <message>
            <source>Try the demo</source>
            <translation>Try the demo</translation>
        </message>
        <message>
            <source>Preparing the demo event and its badge video…</source>
            <translation>Preparing the demo event and its badge video…</translation>
        </message>
        <message>
            <source>BoothApp demo</source>
            <translation>BoothApp demo</translation>
        </message>
        <message>
            <source>Demo not available</source>
            <translation>Demo not available</translation>
        </message>
        <message>
            <source>No camera chosen: scan badges with the handheld scanner.</source>
            <translation>No camera chosen: scan badges with the handheld scanner.</translation>
        </message>
        <message>
            <source>No camera found. Plug one in (and restart), or use a handheld scanner.</source>
            <translation>No camera found. Plug one in (and restart), or use a handheld scanner.</translation>
        </message>
    </context>
    <context>
        <name>SignInPage</name>
        <message>
            <source>Wrong PIN</source>
            <translation>Wrong PIN</translation>
        </message>
        <message>
            <source>Too many wrong PINs: try again in {s} s</source>
            <translation>Too many wrong PINs: try again in {s} s</translation>
        </message>
        <message>
            <source>Who is at the booth?</source>
            <translation>Who is at the booth?</translation>
        </message>
        <message>
            <source>Tap your name</source>
            <translation>Tap your name</translation>
        </message>
        <message>
            <source>Manager unlock</source>
            <translation>Manager unlock</translation>
        </message>
        <message>
            <source>Language</source>
            <translation>Language</translation>
        </message>
        <message>
            <source>No staff yet: an event manager adds staff first</source>
            <translation>No staff yet: an event manager adds staff first</translation>
        </message>
        <message>
            <source>PIN for {0}</source>
            <translation>PIN for {0}</translation>
        </message>
        <message>
            <source>Checking…</source>
            <translation>Checking…</translation>
        </message>
        <message>
            <source>This staff member cannot sign in any more</source>
            <translation>This staff member cannot sign in any more</translation>
        </message>
        <message>
            <source>Signed in: {0}</source>
            <translation>Signed in: {0}</translation>
        </message>
        <message>
            <source>Could not sign in: {0}</source>
            <translation>Could not sign in: {0}</translation>
        </message>
        <message>
            <source>Manager PIN to unlock {0}</source>
            <translation>Manager PIN to unlock {0}</translation>
        </message>
        <message>
            <source>Unlocked by {0}</source>
            <translation>Unlocked by {0}</translation>
        </message>
        <message>
            <source>Too many wrong manager PINs: wait for the countdown</source>
            <translation>Too many wrong manager PINs: wait for the countdown</translation>
        </message>
        <message>
            <source>Wrong manager PIN</source>
            <translation>Wrong manager PIN</translation>
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
            <translation>Meeting</translation>
        </message>
        <message>
            <source>Won</source>
            <translation>Won</translation>
        </message>
    </context>
    <context>
        <name>StaffSetupPage</name>
        <message>
            <source>Booth staff</source>
            <translation>Booth staff</translation>
        </message>
        <message>
            <source>Add everyone who scans at the booth. Each signs in with a 4-8 digit PIN.</source>
            <translation>Add everyone who scans at the booth. Each signs in with a 4-8 digit PIN.</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>Name</translation>
        </message>
        <message>
            <source>PIN</source>
            <translation>PIN</translation>
        </message>
        <message>
            <source>Add</source>
            <translation>Add</translation>
        </message>
        <message>
            <source>Remove selected</source>
            <translation>Remove selected</translation>
        </message>
        <message>
            <source>Enter a name</source>
            <translation>Enter a name</translation>
        </message>
        <message>
            <source>{0} is already on the list</source>
            <translation>{0} is already on the list</translation>
        </message>
    </context>
    <context>
        <name>SyncPage</name>
        <message>
            <source>; retrying at {0:%H:%M}</source>
            <translation>; retrying at {0:%H:%M}</translation>
        </message>
        <message>
            <source>{0} is not answering{1}</source>
            <translation>{0} is not answering{1}</translation>
        </message>
        <message>
            <source>{0} was not answering; trying one lead</source>
            <translation>{0} was not answering; trying one lead</translation>
        </message>
        <message>
            <source>Sync now</source>
            <translation>Sync now</translation>
        </message>
        <message>
            <source>Pull changes from CRM</source>
            <translation>Pull changes from CRM</translation>
        </message>
        <message>
            <source>Take the owner and stage that sales changed in the CRM. A booth edit made after the CRM's change is kept and goes out with the next sync.</source>
            <translation>Take the owner and stage that sales changed in the CRM. A booth edit made after the CRM's change is kept and goes out with the next sync.</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>Cancel</translation>
        </message>
        <message>
            <source>Lead</source>
            <translation>Lead</translation>
        </message>
        <message>
            <source>Company</source>
            <translation>Company</translation>
        </message>
        <message>
            <source>CRM says</source>
            <translation>CRM says</translation>
        </message>
        <message>
            <source>Retry failed</source>
            <translation>Retry failed</translation>
        </message>
        <message>
            <source>Sync</source>
            <translation>Sync</translation>
        </message>
        <message>
            <source>Leads the CRM refused</source>
            <translation>Leads the CRM refused</translation>
        </message>
        <message>
            <source>No CRM set up for this event yet: fill in the settings.</source>
            <translation>No CRM set up for this event yet: fill in the settings.</translation>
        </message>
        <message>
            <source>never</source>
            <translation>never</translation>
        </message>
        <message>
            <source>{0}: {1} synced, {2} waiting, {3} failed; last sync {4}</source>
            <translation>{0}: {1} synced, {2} waiting, {3} failed; last sync {4}</translation>
        </message>
        <message>
            <source>Reading back what sales changed in the CRM…</source>
            <translation>Reading back what sales changed in the CRM…</translation>
        </message>
        <message>
            <source>Read back {0} of {1} leads</source>
            <translation>Read back {0} of {1} leads</translation>
        </message>
        <message>
            <source>, about {0} left</source>
            <translation>, about {0} left</translation>
        </message>
        <message>
            <source>{0} of {1} · {2:.0f} leads/min{3}{4}</source>
            <translation>{0} of {1} · {2:.0f} leads/min{3}{4}</translation>
        </message>
        <message>
            <source>Done: {0} sent, {1} refused.</source>
            <translation>Done: {0} sent, {1} refused.</translation>
        </message>
        <message>
            <source>Paused: {0}</source>
            <translation>Paused: {0}</translation>
        </message>
        <message>
            <source>Sync cancelled; the rest stays queued.</source>
            <translation>Sync cancelled; the rest stays queued.</translation>
        </message>
        <message>
            <source>The CRM refused the credentials: {0}</source>
            <translation>The CRM refused the credentials: {0}</translation>
        </message>
        <message>
            <source>The CRM set-up needs fixing: {0}</source>
            <translation>The CRM set-up needs fixing: {0}</translation>
        </message>
        <message>
            <source>Stopped for now; the rest stays queued.</source>
            <translation>Stopped for now; the rest stays queued.</translation>
        </message>
        <message>
            <source>{0} {1}</source>
            <translation>{0} {1}</translation>
        </message>
        <message>
            <source>{0:.0f} s</source>
            <translation>{0:.0f} s</translation>
        </message>
        <message>
            <source>{0:.0f} min</source>
            <translation>{0:.0f} min</translation>
        </message>
    </context>
    <context>
        <name>ThanksPage</name>
        <message>
            <source>Thank you, {name}! We will be in touch.</source>
            <translation>Thank you, {name}! We will be in touch.</translation>
        </message>
        <message>
            <source>Thank you! We will be in touch.</source>
            <translation>Thank you! We will be in touch.</translation>
        </message>
    </context>
    <context>
        <name>UnfinishedVisitorsDialog</name>
        <message>
            <source>Unfinished visitors</source>
            <translation>Unfinished visitors</translation>
        </message>
        <message>
            <source>These badges were scanned but their lead was never saved.</source>
            <translation>These badges were scanned but their lead was never saved.</translation>
        </message>
        <message>
            <source>Visitor</source>
            <translation>Visitor</translation>
        </message>
        <message>
            <source>Badge</source>
            <translation>Badge</translation>
        </message>
        <message>
            <source>Scanned</source>
            <translation>Scanned</translation>
        </message>
        <message>
            <source>Resume</source>
            <translation>Resume</translation>
        </message>
        <message>
            <source>Discard</source>
            <translation>Discard</translation>
        </message>
        <message>
            <source>Later</source>
            <translation>Later</translation>
        </message>
        <message>
            <source>{name} saved</source>
            <translation>{name} saved</translation>
        </message>
        <message>
            <source>Set aside</source>
            <translation>Set aside</translation>
        </message>
    </context>
    <context>
        <name>_Count</name>
        <message numerus="yes">
            <source>%Ln lead(s)</source>
            <translation>
                <numerusform>%Ln lead</numerusform>
                <numerusform>%Ln leads</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>_HubWords</name>
        <message numerus="yes">
            <source>%n change(s) waiting</source>
            <translation>
                <numerusform>%n change(s) waiting</numerusform>
            </translation>
        </message>
    </context>
</TS>
