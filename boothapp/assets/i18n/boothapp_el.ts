<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="el_GR">
    <context>
        <name>AttractPage</name>
        <message>
            <source>Welcome to our booth</source>
            <translation>Καλώς ήρθατε στο περίπτερό μας</translation>
        </message>
        <message>
            <source>Tap “Scan my badge” to turn the camera on</source>
            <translation>Πατήστε «Σάρωση της κονκάρδας μου» για να ανοίξει η κάμερα</translation>
        </message>
        <message>
            <source>Scan my badge</source>
            <translation>Σάρωση της κονκάρδας μου</translation>
        </message>
        <message>
            <source>No badge? Type your details</source>
            <translation>Χωρίς κονκάρδα; Πληκτρολογήστε τα στοιχεία σας</translation>
        </message>
    </context>
    <context>
        <name>AuditPage</name>
        <message>
            <source>Audit log: every export, erase and settings change</source>
            <translation>Αρχείο ελέγχου: κάθε εξαγωγή, διαγραφή και αλλαγή ρυθμίσεων</translation>
        </message>
        <message>
            <source>All actions</source>
            <translation>Όλες οι ενέργειες</translation>
        </message>
        <message>
            <source>Refresh</source>
            <translation>Ανανέωση</translation>
        </message>
        <message>
            <source>Action</source>
            <translation>Ενέργεια</translation>
        </message>
        <message>
            <source>Who</source>
            <translation>Ποιος</translation>
        </message>
        <message>
            <source>Lead</source>
            <translation>Επαφή</translation>
        </message>
        <message>
            <source>When</source>
            <translation>Πότε</translation>
        </message>
        <message>
            <source>What</source>
            <translation>Τι</translation>
        </message>
        <message>
            <source>Not loaded: {e}</source>
            <translation>Δεν φορτώθηκε: {e}</translation>
        </message>
        <message>
            <source>{n} entries</source>
            <translation>{n} εγγραφές</translation>
        </message>
    </context>
    <context>
        <name>CameraController</name>
        <message>
            <source>No camera</source>
            <translation>Χωρίς κάμερα</translation>
        </message>
        <message>
            <source>Starting camera…</source>
            <translation>Η κάμερα ξεκινά…</translation>
        </message>
        <message>
            <source>Camera stopped</source>
            <translation>Η κάμερα σταμάτησε</translation>
        </message>
        <message>
            <source>Camera disconnected — reconnecting…</source>
            <translation>Η κάμερα αποσυνδέθηκε — επανασύνδεση…</translation>
        </message>
        <message>
            <source>{0} · {1:.0f} fps · decode {2:.0f} ms</source>
            <translation>{0} · {1:.0f} fps · αποκωδικοποίηση {2:.0f} ms</translation>
        </message>
    </context>
    <context>
        <name>CameraPicker</name>
        <message>
            <source>Camera {0}: {1}</source>
            <translation>Κάμερα {0}: {1}</translation>
        </message>
        <message>
            <source>Video file…</source>
            <translation>Αρχείο βίντεο…</translation>
        </message>
        <message>
            <source>Network camera URL…</source>
            <translation>Διεύθυνση κάμερας δικτύου…</translation>
        </message>
        <message>
            <source>No camera (handheld scanner only)</source>
            <translation>Χωρίς κάμερα (μόνο σαρωτής χειρός)</translation>
        </message>
        <message>
            <source>Video or camera recording</source>
            <translation>Βίντεο ή εγγραφή κάμερας</translation>
        </message>
        <message>
            <source>Video (*.mp4 *.avi *.mkv *.mov);;All (*)</source>
            <translation>Βίντεο (*.mp4 *.avi *.mkv *.mov);;Όλα (*)</translation>
        </message>
        <message>
            <source>Network camera</source>
            <translation>Κάμερα δικτύου</translation>
        </message>
        <message>
            <source>RTSP or HTTP address (rtsp://user:pass@host/stream)</source>
            <translation>Διεύθυνση RTSP ή HTTP (rtsp://user:pass@host/stream)</translation>
        </message>
    </context>
    <context>
        <name>CameraView</name>
        <message>
            <source>Starting camera…</source>
            <translation>Η κάμερα ξεκινά…</translation>
        </message>
    </context>
    <context>
        <name>CardCapture</name>
        <message>
            <source>Card (F6)</source>
            <translation>Κάρτα (F6)</translation>
        </message>
        <message>
            <source>Read a business card or a badge without a barcode</source>
            <translation>Ανάγνωση επαγγελματικής κάρτας ή κονκάρδας χωρίς γραμμωτό κώδικα</translation>
        </message>
        <message>
            <source>No camera picture: start the camera and hold the card up to it.</source>
            <translation>Δεν υπάρχει εικόνα: ανοίξτε την κάμερα και κρατήστε την κάρτα μπροστά της.</translation>
        </message>
        <message>
            <source>Reading the card…</source>
            <translation>Ανάγνωση κάρτας…</translation>
        </message>
        <message>
            <source>Read from a business card: check the fields marked in yellow.</source>
            <translation>Διαβάστηκε από κάρτα: ελέγξτε τα πεδία με κίτρινο.</translation>
        </message>
        <message>
            <source>{0} is already a lead: here it is.</source>
            <translation>Ο/Η {0} είναι ήδη επαφή: ορίστε η καταχώριση.</translation>
        </message>
        <message>
            <source>Found in the roster: {0}. Check the fields marked in yellow.</source>
            <translation>Βρέθηκε στη λίστα συμμετεχόντων: {0}. Ελέγξτε τα πεδία με κίτρινο.</translation>
        </message>
        <message>
            <source> (it was upside down)</source>
            <translation> (ήταν ανάποδα)</translation>
        </message>
        <message>
            <source>Card read in {0:.1f} s{1}.</source>
            <translation>Η κάρτα διαβάστηκε σε {0:.1f} δ.{1}.</translation>
        </message>
        <message>
            <source>Check this: the card reader was not sure (or found nothing).</source>
            <translation>Ελέγξτε το: ο αναγνώστης δεν ήταν σίγουρος (ή δεν βρήκε τίποτα).</translation>
        </message>
        <message>
            <source>The card could not be read: {0}</source>
            <translation>Η κάρτα δεν διαβάστηκε: {0}</translation>
        </message>
    </context>
    <context>
        <name>ChannelInSentence</name>
        <message>
            <source>email</source>
            <translation>ηλ. ταχυδρομείο</translation>
        </message>
        <message>
            <source>call</source>
            <translation>κλήση</translation>
        </message>
        <message>
            <source>letter</source>
            <translation>επιστολή</translation>
        </message>
        <message>
            <source>CRM task</source>
            <translation>εργασία CRM</translation>
        </message>
    </context>
    <context>
        <name>Clock</name>
        <message>
            <source>times in {0}</source>
            <translation>ώρες: {0}</translation>
        </message>
    </context>
    <context>
        <name>ConfirmPage</name>
        <message>
            <source>Is this you?</source>
            <translation>Είστε εσείς;</translation>
        </message>
        <message>
            <source>Yes, it's me</source>
            <translation>Ναι, εγώ είμαι</translation>
        </message>
        <message>
            <source>No, not me</source>
            <translation>Όχι, δεν είμαι εγώ</translation>
        </message>
    </context>
    <context>
        <name>ConsentPage</name>
        <message>
            <source>May we contact you?</source>
            <translation>Μπορούμε να επικοινωνήσουμε μαζί σας;</translation>
        </message>
        <message>
            <source>Yes, you may contact me by email about your products and this event. I can withdraw this at any time.</source>
            <translation>Ναι, μπορείτε να επικοινωνήσετε μαζί μου με ηλεκτρονικό ταχυδρομείο για τα προϊόντα σας και αυτή την εκδήλωση. Μπορώ να το ανακαλέσω οποτεδήποτε.</translation>
        </message>
        <message>
            <source>I agree</source>
            <translation>Συμφωνώ</translation>
        </message>
        <message>
            <source>Email me the brochure</source>
            <translation>Στείλτε μου το φυλλάδιο με ηλ. ταχυδρομείο</translation>
        </message>
        <message>
            <source>Back</source>
            <translation>Πίσω</translation>
        </message>
        <message>
            <source>Finish</source>
            <translation>Ολοκλήρωση</translation>
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
            <translation>Μυστικό υπογραφής (HMAC)</translation>
        </message>
        <message>
            <source>Intake key</source>
            <translation>Κλειδί εισαγωγής</translation>
        </message>
        <message>
            <source>API token (edits, notes, tasks)</source>
            <translation>Διακριτικό API (αλλαγές, σημειώσεις, εργασίες)</translation>
        </message>
        <message>
            <source>Private app token</source>
            <translation>Διακριτικό ιδιωτικής εφαρμογής</translation>
        </message>
        <message>
            <source>CRM settings</source>
            <translation>Ρυθμίσεις CRM</translation>
        </message>
        <message>
            <source>https://crm.example.com</source>
            <translation>https://crm.example.com</translation>
        </message>
        <message>
            <source>the connected app's consumer key</source>
            <translation>το κλειδί καταναλωτή της συνδεδεμένης εφαρμογής</translation>
        </message>
        <message>
            <source>https://login.salesforce.com</source>
            <translation>https://login.salesforce.com</translation>
        </message>
        <message>
            <source>/path/to/the/folder/another/tool/watches</source>
            <translation>/φάκελος/που/παρακολουθεί/άλλο/εργαλείο</translation>
        </message>
        <message>
            <source>Send each lead as soon as it is saved</source>
            <translation>Αποστολή κάθε επαφής μόλις αποθηκευτεί</translation>
        </message>
        <message>
            <source>Save settings</source>
            <translation>Αποθήκευση ρυθμίσεων</translation>
        </message>
        <message>
            <source>Test connection</source>
            <translation>Δοκιμή σύνδεσης</translation>
        </message>
        <message>
            <source>Connect Salesforce…</source>
            <translation>Σύνδεση με Salesforce…</translation>
        </message>
        <message>
            <source>Sign in to Salesforce in your browser; BoothApp keeps the session in the system keyring and renews it by itself.</source>
            <translation>Συνδεθείτε στο Salesforce από το πρόγραμμα περιήγησης· το BoothApp κρατά τη σύνδεση στην κλειδοθήκη του συστήματος και την ανανεώνει μόνο του.</translation>
        </message>
        <message>
            <source>CRM</source>
            <translation>CRM</translation>
        </message>
        <message>
            <source>Address</source>
            <translation>Διεύθυνση</translation>
        </message>
        <message>
            <source>Folder</source>
            <translation>Φάκελος</translation>
        </message>
        <message>
            <source>Intake id</source>
            <translation>Αναγνωριστικό εισαγωγής</translation>
        </message>
        <message>
            <source>Portal id</source>
            <translation>Αναγνωριστικό πύλης</translation>
        </message>
        <message>
            <source>Campaign id</source>
            <translation>Αναγνωριστικό καμπάνιας</translation>
        </message>
        <message>
            <source>Consumer key</source>
            <translation>Κλειδί καταναλωτή</translation>
        </message>
        <message>
            <source>Sign-in address</source>
            <translation>Διεύθυνση σύνδεσης</translation>
        </message>
        <message>
            <source>stored in the system keyring; leave empty to keep</source>
            <translation>αποθηκευμένο στην κλειδοθήκη· αφήστε κενό για να μείνει</translation>
        </message>
        <message>
            <source>filled in by Connect</source>
            <translation>συμπληρώνεται από τη Σύνδεση</translation>
        </message>
        <message>
            <source>https://hooks.example.com/… (each lead is POSTed here, signed)</source>
            <translation>https://hooks.example.com/… (κάθε επαφή στέλνεται εδώ με POST, υπογεγραμμένη)</translation>
        </message>
        <message>
            <source>Settings saved.</source>
            <translation>Οι ρυθμίσεις αποθηκεύτηκαν.</translation>
        </message>
        <message>
            <source>Testing…</source>
            <translation>Δοκιμή…</translation>
        </message>
        <message>
            <source>Waiting for the Salesforce sign-in in your browser…</source>
            <translation>Αναμονή για σύνδεση στο Salesforce από το πρόγραμμα περιήγησης…</translation>
        </message>
    </context>
    <context>
        <name>DashboardPage</name>
        <message>
            <source>never</source>
            <translation>ποτέ</translation>
        </message>
        <message>
            <source>just now</source>
            <translation>μόλις τώρα</translation>
        </message>
        <message>
            <source>{0} min ago</source>
            <translation>πριν από {0} λεπτά</translation>
        </message>
        <message>
            <source>{0} h ago</source>
            <translation>πριν από {0} ώρες</translation>
        </message>
        <message>
            <source>&lt; 1 min</source>
            <translation>&lt; 1 λεπτό</translation>
        </message>
        <message>
            <source>{0} min</source>
            <translation>{0} λεπτά</translation>
        </message>
        <message>
            <source>{0} h {1:02d} min</source>
            <translation>{0} ώρ. {1:02d} λεπ.</translation>
        </message>
        <message>
            <source>{0} d {1} h</source>
            <translation>{0} ημ. {1} ώρ.</translation>
        </message>
        <message>
            <source>capture → first contact · no leads yet</source>
            <translation>καταγραφή → πρώτη επαφή · καμία επαφή ακόμα</translation>
        </message>
        <message>
            <source>capture → first contact · nobody contacted yet, {0:,} waiting</source>
            <translation>καταγραφή → πρώτη επαφή · καμία επικοινωνία ακόμα, {0:,} σε αναμονή</translation>
        </message>
        <message>
            <source> · {0:,} waiting</source>
            <translation> · {0:,} σε αναμονή</translation>
        </message>
        <message>
            <source>Leads today</source>
            <translation>Επαφές σήμερα</translation>
        </message>
        <message>
            <source>Rating mix today</source>
            <translation>Κατανομή αξιολόγησης σήμερα</translation>
        </message>
        <message>
            <source>Last sync</source>
            <translation>Τελευταίος συγχρονισμός</translation>
        </message>
        <message>
            <source>Qualified for sales</source>
            <translation>Κατάλληλες για πωλήσεις</translation>
        </message>
        <message>
            <source>Response time</source>
            <translation>Χρόνος απόκρισης</translation>
        </message>
        <message>
            <source>Leads per hour</source>
            <translation>Επαφές ανά ώρα</translation>
        </message>
        <message>
            <source>Today against target</source>
            <translation>Σήμερα σε σχέση με τον στόχο</translation>
        </message>
        <message>
            <source>Leaderboard (whole show)</source>
            <translation>Κατάταξη (όλη η έκθεση)</translation>
        </message>
        <message>
            <source>Could not refresh: {0}</source>
            <translation>Δεν έγινε ανανέωση: {0}</translation>
        </message>
        <message>
            <source>{0:,}</source>
            <translation>{0:,}</translation>
        </message>
        <message>
            <source>target {0:,} · {1} hot · {2}</source>
            <translation>στόχος {0:,} · {1} ζεστές · {2}</translation>
        </message>
        <message>
            <source>
last lead {0}</source>
            <translation>
τελευταία επαφή {0}</translation>
        </message>
        <message>
            <source>&lt;span style='color:{0}'&gt;{1}&lt;/span&gt; · &lt;span style='color:{2}'&gt;{3}&lt;/span&gt; · &lt;span style='color:{4}'&gt;{5}&lt;/span&gt;</source>
            <translation>&lt;span style='color:{0}'&gt;{1}&lt;/span&gt; · &lt;span style='color:{2}'&gt;{3}&lt;/span&gt; · &lt;span style='color:{4}'&gt;{5}&lt;/span&gt;</translation>
        </message>
        <message>
            <source>&lt;span style='color:{0}'&gt;hot&lt;/span&gt; · &lt;span style='color:{1}'&gt;warm&lt;/span&gt; · &lt;span style='color:{2}'&gt;cold&lt;/span&gt;{3}</source>
            <translation>&lt;span style='color:{0}'&gt;ζεστές&lt;/span&gt; · &lt;span style='color:{1}'&gt;χλιαρές&lt;/span&gt; · &lt;span style='color:{2}'&gt;κρύες&lt;/span&gt;{3}</translation>
        </message>
        <message>
            <source> · {0} hot</source>
            <translation> · {0} ζεστές</translation>
        </message>
        <message>
            <source>SQL to sales{0} · {1:,} MQL to nurture</source>
            <translation>προς πωλήσεις{0} · {1:,} για καλλιέργεια</translation>
        </message>
        <message>
            <source>nothing sent to the CRM yet</source>
            <translation>τίποτα δεν στάλθηκε ακόμα στο CRM</translation>
        </message>
        <message>
            <source>&lt;b&gt;{0}&lt;/b&gt; leads</source>
            <translation>&lt;b&gt;{0}&lt;/b&gt; επαφές</translation>
        </message>
        <message>
            <source>&lt;table&gt;{0}&lt;/table&gt;</source>
            <translation>&lt;table&gt;{0}&lt;/table&gt;</translation>
        </message>
        <message>
            <source>No leads yet</source>
            <translation>Καμία επαφή ακόμα</translation>
        </message>
        <message>
            <source>{0} / {1}</source>
            <translation>{0} / {1}</translation>
        </message>
        <message>
            <source>{0} hot</source>
            <translation>{0} ζεστές</translation>
        </message>
        <message>
            <source>median, capture → first contact&lt;br&gt;&lt;b&gt;{0}&lt;/b&gt; within {1}&lt;br&gt;{2:,} of {3:,} contacted{4}</source>
            <translation>διάμεσος, καταγραφή → πρώτη επαφή&lt;br&gt;&lt;b&gt;{0}&lt;/b&gt; εντός {1}&lt;br&gt;{2:,} από {3:,} επικοινωνήθηκαν{4}</translation>
        </message>
        <message numerus="yes">
            <source>%n h</source>
            <translation>
                <numerusform>%n ώρας</numerusform>
                <numerusform>%n ωρών</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>DeleteReviewPage</name>
        <message>
            <source>Deletion requests: erase for good, or keep</source>
            <translation>Προς διαγραφή: οριστική διαγραφή ή διατήρηση</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>Όνομα</translation>
        </message>
        <message>
            <source>Company</source>
            <translation>Εταιρεία</translation>
        </message>
        <message>
            <source>E-mail</source>
            <translation>Ηλ. ταχυδρομείο</translation>
        </message>
        <message>
            <source>By</source>
            <translation>Από</translation>
        </message>
        <message>
            <source>Captured</source>
            <translation>Καταγραφή</translation>
        </message>
        <message>
            <source>Erase</source>
            <translation>Διαγραφή</translation>
        </message>
        <message>
            <source>Gone for good: the lead, its scans, history and mails</source>
            <translation>Χάνονται οριστικά: η επαφή, οι σαρώσεις, το ιστορικό και τα μηνύματά της</translation>
        </message>
        <message>
            <source>Keep</source>
            <translation>Διατήρηση</translation>
        </message>
        <message>
            <source>A real visitor: unflag and plan follow-ups again</source>
            <translation>Πραγματικός επισκέπτης: αφαίρεση σήμανσης και νέος προγραμματισμός συνέχειας</translation>
        </message>
        <message>
            <source>Not loaded: {e}</source>
            <translation>Δεν φορτώθηκε: {e}</translation>
        </message>
        <message>
            <source>Flagged for deletion: {n}</source>
            <translation>Σημειωμένες για διαγραφή: {n}</translation>
        </message>
        <message>
            <source>Erase lead</source>
            <translation>Διαγραφή επαφής</translation>
        </message>
        <message>
            <source>Erase {name} for good? This cannot be undone.</source>
            <translation>Να διαγραφεί οριστικά η επαφή {name}; Αυτό δεν αναιρείται.</translation>
        </message>
        <message>
            <source>{name} erased</source>
            <translation>Διαγράφηκε: {name}</translation>
        </message>
        <message>
            <source>{name} kept and unflagged</source>
            <translation>{name}: κρατήθηκε, η σήμανση αφαιρέθηκε</translation>
        </message>
    </context>
    <context>
        <name>DesktopWindow</name>
        <message>
            <source>Follow-up mail: {0}</source>
            <translation>Μήνυμα επανεπικοινωνίας: {0}</translation>
        </message>
        <message>
            <source>Scan to form: {0:.0f} ms</source>
            <translation>Από σάρωση σε φόρμα: {0:.0f} ms</translation>
        </message>
        <message>
            <source>Not signed in</source>
            <translation>Χωρίς σύνδεση</translation>
        </message>
        <message>
            <source>Lock (Ctrl+L)</source>
            <translation>Κλείδωμα (Ctrl+L)</translation>
        </message>
        <message>
            <source>Deletion requests</source>
            <translation>Προς διαγραφή</translation>
        </message>
        <message>
            <source>Dark/light</source>
            <translation>Σκούρο/φωτεινό</translation>
        </message>
        <message>
            <source>Export…</source>
            <translation>Εξαγωγή…</translation>
        </message>
        <message>
            <source>Kiosk mode</source>
            <translation>Κιόσκι</translation>
        </message>
        <message>
            <source>Import roster…</source>
            <translation>Λίστα επισκεπτών…</translation>
        </message>
        <message>
            <source>Signed in: {0}</source>
            <translation>Συνδεδεμένος/η: {0}</translation>
        </message>
        <message>
            <source>Status unknown: {0}</source>
            <translation>Άγνωστη κατάσταση: {0}</translation>
        </message>
        <message>
            <source>Locked: sign in</source>
            <translation>Κλειδωμένο: συνδεθείτε</translation>
        </message>
        <message numerus="yes">
            <source>Retention rule: %n lead(s) past the event's limit erased</source>
            <translation>
                <numerusform>Κανόνας διατήρησης: διαγράφηκε %n επαφή που ξεπέρασε το όριο της έκθεσης</numerusform>
                <numerusform>Κανόνας διατήρησης: διαγράφηκαν %n επαφές που ξεπέρασαν το όριο της έκθεσης</numerusform>
            </translation>
        </message>
        <message>
            <source>Retention rule: {0}</source>
            <translation>Κανόνας διατήρησης: {0}</translation>
        </message>
        <message>
            <source>CRM sync</source>
            <translation>Συγχρονισμός CRM</translation>
        </message>
        <message>
            <source>Event settings</source>
            <translation>Ρυθμίσεις έκθεσης</translation>
        </message>
        <message>
            <source>Audit log</source>
            <translation>Αρχείο ελέγχου</translation>
        </message>
        <message>
            <source>Signed in: {staff} · manager: {manager}</source>
            <translation>Συνδεδεμένος/η: {staff} · υπεύθυνος: {manager}</translation>
        </message>
        <message>
            <source>Sign in first: the badge was not kept.</source>
            <translation>Συνδεθείτε πρώτα: η κονκάρδα δεν κρατήθηκε.</translation>
        </message>
        <message>
            <source>Saved {0}</source>
            <translation>Αποθηκεύτηκε: {0}</translation>
        </message>
        <message>
            <source>Password not kept: {0}</source>
            <translation>Ο κωδικός δεν κρατήθηκε: {0}</translation>
        </message>
        <message>
            <source>Follow-ups: {0} email(s) sent, {1} failed{2}</source>
            <translation>Επανεπικοινωνία: {0} μηνύματα στάλθηκαν, {1} απέτυχαν{2}</translation>
        </message>
        <message>
            <source>No camera chosen: scan badges with the handheld scanner.</source>
            <translation>Δεν επιλέχθηκε κάμερα: σαρώστε με τον σαρωτή χειρός.</translation>
        </message>
        <message>
            <source>Lead sheet written: {0}</source>
            <translation>Το φύλλο επαφής γράφτηκε: {0}</translation>
        </message>
        <message>
            <source>No lead sheet: {0}</source>
            <translation>Χωρίς φύλλο επαφής: {0}</translation>
        </message>
        <message>
            <source>Export</source>
            <translation>Εξαγωγή</translation>
        </message>
        <message>
            <source>CRM: {0}</source>
            <translation>CRM: {0}</translation>
        </message>
        <message>
            <source>CRM sync stopped: {0} (F7)</source>
            <translation>Ο συγχρονισμός CRM σταμάτησε: {0} (F7)</translation>
        </message>
    </context>
    <context>
        <name>DetailsPage</name>
        <message>
            <source>Please fill in your name and a valid email</source>
            <translation>Συμπληρώστε το όνομά σας και ένα έγκυρο ηλ. ταχυδρομείο</translation>
        </message>
        <message>
            <source>Is this you?</source>
            <translation>Είστε εσείς;</translation>
        </message>
        <message>
            <source>Your details</source>
            <translation>Τα στοιχεία σας</translation>
        </message>
        <message>
            <source>First name</source>
            <translation>Όνομα</translation>
        </message>
        <message>
            <source>Last name</source>
            <translation>Επώνυμο</translation>
        </message>
        <message>
            <source>Email</source>
            <translation>Ηλ. ταχυδρομείο</translation>
        </message>
        <message>
            <source>Company</source>
            <translation>Εταιρεία</translation>
        </message>
        <message>
            <source>Job title</source>
            <translation>Θέση</translation>
        </message>
        <message>
            <source>Next</source>
            <translation>Επόμενο</translation>
        </message>
        <message>
            <source>Start over</source>
            <translation>Από την αρχή</translation>
        </message>
    </context>
    <context>
        <name>EventDetailsPage</name>
        <message>
            <source>Your event</source>
            <translation>Η έκθεσή σας</translation>
        </message>
        <message>
            <source>Where and when is the show? Times of leads and follow-ups use this.</source>
            <translation>Πού και πότε γίνεται η έκθεση; Οι ώρες επαφών και συνέχειας βασίζονται σε αυτό.</translation>
        </message>
        <message>
            <source>e.g. Hannover Messe 2027</source>
            <translation>π.χ. Hannover Messe 2027</translation>
        </message>
        <message>
            <source>e.g. Hall 7, C42</source>
            <translation>π.χ. Περίπτερο 7, C42</translation>
        </message>
        <message>
            <source>2-letter code, e.g. DE</source>
            <translation>κωδικός 2 γραμμάτων, π.χ. GR</translation>
        </message>
        <message>
            <source>Event name *</source>
            <translation>Όνομα έκθεσης *</translation>
        </message>
        <message>
            <source>Venue</source>
            <translation>Χώρος</translation>
        </message>
        <message>
            <source>Booth</source>
            <translation>Περίπτερο</translation>
        </message>
        <message>
            <source>Country</source>
            <translation>Χώρα</translation>
        </message>
        <message>
            <source>Time zone *</source>
            <translation>Ζώνη ώρας *</translation>
        </message>
        <message>
            <source>First day</source>
            <translation>Πρώτη μέρα</translation>
        </message>
        <message>
            <source>Last day</source>
            <translation>Τελευταία μέρα</translation>
        </message>
    </context>
    <context>
        <name>EventSettingsPage</name>
        <message>
            <source>{0}: questions, scoring, rating, routing</source>
            <translation>{0}: ερωτήσεις, βαθμολογία, αξιολόγηση, δρομολόγηση</translation>
        </message>
        <message>
            <source>Edit and press Save (Ctrl+S). Changing a rule never rewrites answers already captured; use 'boothapp leads reroute' to route again.</source>
            <translation>Αλλάξτε και πατήστε Αποθήκευση (Ctrl+S). Η αλλαγή κανόνα δεν ξαναγράφει απαντήσεις που έχουν ήδη καταγραφεί· για νέα δρομολόγηση χρησιμοποιήστε 'boothapp leads reroute'.</translation>
        </message>
        <message>
            <source>Form: questions, rating, reps</source>
            <translation>Φόρμα: ερωτήσεις, αξιολόγηση, πωλητές</translation>
        </message>
        <message>
            <source>Everything (YAML)</source>
            <translation>Όλα (YAML)</translation>
        </message>
        <message>
            <source>Check</source>
            <translation>Έλεγχος</translation>
        </message>
        <message>
            <source>Save (Ctrl+S)</source>
            <translation>Αποθήκευση (Ctrl+S)</translation>
        </message>
        <message>
            <source>Revert</source>
            <translation>Επαναφορά</translation>
        </message>
        <message>
            <source>Event settings are for managers.
Ask a manager to sign in (Ctrl+L locks).</source>
            <translation>Οι ρυθμίσεις έκθεσης είναι για υπευθύνους.
Ζητήστε από έναν υπεύθυνο να συνδεθεί (Ctrl+L για κλείδωμα).</translation>
        </message>
        <message>
            <source>Unsaved event settings</source>
            <translation>Μη αποθηκευμένες ρυθμίσεις</translation>
        </message>
        <message>
            <source>The event settings have unsaved changes.</source>
            <translation>Οι ρυθμίσεις της έκθεσης έχουν αλλαγές που δεν αποθηκεύτηκαν.</translation>
        </message>
        <message>
            <source>Save</source>
            <translation>Αποθήκευση</translation>
        </message>
        <message>
            <source>Discard</source>
            <translation>Απόρριψη</translation>
        </message>
        <message>
            <source>Stay here</source>
            <translation>Μείνετε εδώ</translation>
        </message>
        <message>
            <source>Changed: Save (Ctrl+S) to keep it</source>
            <translation>Άλλαξε: Αποθήκευση (Ctrl+S) για να μείνει</translation>
        </message>
        <message>
            <source>{0} problem(s): nothing saved</source>
            <translation>{0} πρόβλημα(τα): τίποτα δεν αποθηκεύτηκε</translation>
        </message>
        <message>
            <source>Looks good</source>
            <translation>Όλα καλά</translation>
        </message>
        <message>
            <source>Not saved: {0}</source>
            <translation>Δεν αποθηκεύτηκε: {0}</translation>
        </message>
        <message>
            <source>Saved as revision {0}</source>
            <translation>Αποθηκεύτηκε ως έκδοση {0}</translation>
        </message>
    </context>
    <context>
        <name>ExportDialog</name>
        <message>
            <source>CSV (Excel, any CRM)</source>
            <translation>CSV (Excel, κάθε CRM)</translation>
        </message>
        <message>
            <source>Excel workbook (XLSX)</source>
            <translation>Βιβλίο Excel (XLSX)</translation>
        </message>
        <message>
            <source>Post-show report (PDF)</source>
            <translation>Αναφορά μετά την έκθεση (PDF)</translation>
        </message>
        <message>
            <source>Export — {0}</source>
            <translation>Εξαγωγή — {0}</translation>
        </message>
        <message>
            <source>Choose…</source>
            <translation>Επιλογή…</translation>
        </message>
        <message>
            <source>Excel-friendly CSV (UTF-8 with BOM, accents show right)</source>
            <translation>CSV για Excel (UTF-8 με BOM, οι τόνοι φαίνονται σωστά)</translation>
        </message>
        <message>
            <source>Comma ,</source>
            <translation>Κόμμα ,</translation>
        </message>
        <message>
            <source>Semicolon ;</source>
            <translation>Ελληνικό ερωτηματικό ;</translation>
        </message>
        <message>
            <source>Tab</source>
            <translation>Tab</translation>
        </message>
        <message>
            <source>Pipe |</source>
            <translation>Κάθετος |</translation>
        </message>
        <message>
            <source>Only sales-qualified leads</source>
            <translation>Μόνο επαφές κατάλληλες για πωλήσεις</translation>
        </message>
        <message>
            <source>Only hot and warm leads</source>
            <translation>Μόνο ζεστές και χλιαρές επαφές</translation>
        </message>
        <message>
            <source>Leave out leads marked 'please delete'</source>
            <translation>Χωρίς τις επαφές με 'παρακαλώ διαγράψτε'</translation>
        </message>
        <message>
            <source>Export</source>
            <translation>Εξαγωγή</translation>
        </message>
        <message>
            <source>Open folder</source>
            <translation>Άνοιγμα φακέλου</translation>
        </message>
        <message>
            <source>Cancel export</source>
            <translation>Ακύρωση εξαγωγής</translation>
        </message>
        <message>
            <source>Close</source>
            <translation>Κλείσιμο</translation>
        </message>
        <message>
            <source>What</source>
            <translation>Τι</translation>
        </message>
        <message>
            <source>File</source>
            <translation>Αρχείο</translation>
        </message>
        <message>
            <source>CSV delimiter</source>
            <translation>Διαχωριστικό CSV</translation>
        </message>
        <message>
            <source>Filter</source>
            <translation>Φίλτρο</translation>
        </message>
        <message>
            <source>Columns</source>
            <translation>Στήλες</translation>
        </message>
        <message>
            <source>Export to</source>
            <translation>Εξαγωγή σε</translation>
        </message>
        <message>
            <source>Cannot use that folder: {0}</source>
            <translation>Αυτός ο φάκελος δεν μπορεί να χρησιμοποιηθεί: {0}</translation>
        </message>
        <message>
            <source>Working…</source>
            <translation>Σε εξέλιξη…</translation>
        </message>
        <message>
            <source>Report on {0} leads written to {1}</source>
            <translation>Η αναφορά για {0} επαφές γράφτηκε στο {1}</translation>
        </message>
        <message>
            <source>Tick at least one column.</source>
            <translation>Επιλέξτε τουλάχιστον μία στήλη.</translation>
        </message>
        <message>
            <source>{0} leads written to {1}</source>
            <translation>{0} επαφές γράφτηκαν στο {1}</translation>
        </message>
        <message>
            <source>Cancelling…</source>
            <translation>Ακύρωση…</translation>
        </message>
        <message>
            <source>Export cancelled: no file written.</source>
            <translation>Η εξαγωγή ακυρώθηκε: δεν γράφτηκε αρχείο.</translation>
        </message>
        <message>
            <source>Not exported: {0}</source>
            <translation>Δεν έγινε εξαγωγή: {0}</translation>
        </message>
    </context>
    <context>
        <name>Faults</name>
        <message>
            <source>Something went wrong ({0}); what was saved is safe. Details: {1}</source>
            <translation>Κάτι πήγε στραβά ({0})· ό,τι αποθηκεύτηκε είναι ασφαλές. Λεπτομέρειες: {1}</translation>
        </message>
    </context>
    <context>
        <name>FollowUpOutputsBar</name>
        <message>
            <source>Calendar (.ics)…</source>
            <translation>Ημερολόγιο (.ics)…</translation>
        </message>
        <message>
            <source>Print letters (PDF)…</source>
            <translation>Επιστολές (PDF)…</translation>
        </message>
        <message>
            <source>Put the letters due by today, for every owner, into one PDF to print; they are marked printed and leave the queue ({0})</source>
            <translation>Όλες οι επιστολές που λήγουν ως σήμερα, για κάθε υπεύθυνο, σε ένα PDF για εκτύπωση· σημειώνονται ως τυπωμένες και φεύγουν από την ουρά ({0})</translation>
        </message>
        <message>
            <source>Open</source>
            <translation>Άνοιγμα</translation>
        </message>
        <message>
            <source>Show in folder</source>
            <translation>Στον φάκελο</translation>
        </message>
        <message>
            <source>Save {0}'s open calls and letters as a calendar file ({1})</source>
            <translation>Αποθήκευση των ανοιχτών κλήσεων και επιστολών του/της {0} ως ημερολόγιο ({1})</translation>
        </message>
        <message>
            <source>Choose an owner first: a calendar is one person's follow-ups</source>
            <translation>Επιλέξτε πρώτα υπεύθυνο: το ημερολόγιο είναι για ένα άτομο</translation>
        </message>
        <message>
            <source>Collecting {0}'s follow-ups…</source>
            <translation>Συλλογή της συνέχειας του/της {0}…</translation>
        </message>
        <message>
            <source>{0} has no open calls or letters: no calendar to save.</source>
            <translation>Ο/Η {0} δεν έχει ανοιχτές κλήσεις ή επιστολές: δεν υπάρχει ημερολόγιο.</translation>
        </message>
        <message>
            <source>Calendar not saved: {0}</source>
            <translation>Το ημερολόγιο δεν αποθηκεύτηκε: {0}</translation>
        </message>
        <message>
            <source>Save {0}'s follow-up calendar</source>
            <translation>Αποθήκευση ημερολογίου του/της {0}</translation>
        </message>
        <message>
            <source>Calendar (*.ics)</source>
            <translation>Ημερολόγιο (*.ics)</translation>
        </message>
        <message>
            <source>Saving {0}…</source>
            <translation>Αποθήκευση {0}…</translation>
        </message>
        <message>
            <source>{0} for {1} saved to {2}</source>
            <translation>{0} για {1} αποθηκεύτηκαν στο {2}</translation>
        </message>
        <message>
            <source>Looking for letters due…</source>
            <translation>Αναζήτηση επιστολών που λήγουν…</translation>
        </message>
        <message>
            <source>Letters not printed: {0}</source>
            <translation>Οι επιστολές δεν τυπώθηκαν: {0}</translation>
        </message>
        <message>
            <source>No letters due by today ({0}): nothing to print.</source>
            <translation>Καμία επιστολή ως σήμερα ({0}): τίποτα για εκτύπωση.</translation>
        </message>
        <message>
            <source>Save {0} as PDF</source>
            <translation>Αποθήκευση {0} ως PDF</translation>
        </message>
        <message>
            <source>PDF (*.pdf)</source>
            <translation>PDF (*.pdf)</translation>
        </message>
        <message>
            <source>Printing {0} to {1}…</source>
            <translation>Εκτύπωση {0} στο {1}…</translation>
        </message>
        <message>
            <source>Letters not printed: {0}; they stay in the queue.</source>
            <translation>Οι επιστολές δεν τυπώθηκαν: {0}· μένουν στην ουρά.</translation>
        </message>
        <message>
            <source>{0} saved to {1}, marked printed</source>
            <translation>{0} αποθηκεύτηκαν στο {1}, σημειώθηκαν ως τυπωμένες</translation>
        </message>
    </context>
    <context>
        <name>FollowUpQueuePage</name>
        <message>
            <source>Everyone</source>
            <translation>Όλοι</translation>
        </message>
        <message>
            <source>Refresh</source>
            <translation>Ανανέωση</translation>
        </message>
        <message>
            <source>Send email</source>
            <translation>Αποστολή μηνύματος</translation>
        </message>
        <message>
            <source>It was sent</source>
            <translation>Στάλθηκε</translation>
        </message>
        <message>
            <source>Not sent: send again</source>
            <translation>Δεν στάλθηκε: ξανά</translation>
        </message>
        <message>
            <source>Owner</source>
            <translation>Υπεύθυνος</translation>
        </message>
        <message>
            <source>{0} (the visitor's own where it differs)</source>
            <translation>{0} (η ώρα του επισκέπτη όπου διαφέρει)</translation>
        </message>
        <message>
            <source>Loading…</source>
            <translation>Φόρτωση…</translation>
        </message>
        <message numerus="yes">
            <source>%Ln due</source>
            <translation>
                <numerusform>%Ln εκκρεμεί</numerusform>
                <numerusform>%Ln εκκρεμούν</numerusform>
            </translation>
        </message>
        <message>
            <source>{0}, {1} overdue</source>
            <translation>{0}, {1} εκπρόθεσμες</translation>
        </message>
        <message>
            <source>Nothing due. Well done.</source>
            <translation>Τίποτα εκκρεμές. Μπράβο!</translation>
        </message>
        <message>
            <source>{0} #{1} · {2}</source>
            <translation>{0} #{1} · {2}</translation>
        </message>
        <message>
            <source>Set up the SMTP server in the event settings first</source>
            <translation>Ρυθμίστε πρώτα τον διακομιστή SMTP στις ρυθμίσεις έκθεσης</translation>
        </message>
        <message>
            <source>Saving {0}…</source>
            <translation>Αποθήκευση {0}…</translation>
        </message>
        <message>
            <source>Saving…</source>
            <translation>Αποθήκευση…</translation>
        </message>
        <message>
            <source>Marked sent</source>
            <translation>Σημειώθηκε ως σταλμένο</translation>
        </message>
        <message>
            <source>Will be sent again</source>
            <translation>Θα σταλεί ξανά</translation>
        </message>
        <message>
            <source>Not sent: the mail password is needed</source>
            <translation>Δεν στάλθηκε: χρειάζεται ο κωδικός του ηλ. ταχυδρομείου</translation>
        </message>
        <message>
            <source>Sending…</source>
            <translation>Αποστολή…</translation>
        </message>
        <message>
            <source>Sent</source>
            <translation>Στάλθηκε</translation>
        </message>
        <message>
            <source>Not sent now: outside the lead's sending window or already mailed today; moved to their next slot</source>
            <translation>Δεν στάλθηκε τώρα: εκτός ωραρίου της επαφής ή έχει ήδη λάβει μήνυμα σήμερα· μεταφέρθηκε στην επόμενη θέση</translation>
        </message>
        <message>
            <source>Not sent: {0}</source>
            <translation>Δεν στάλθηκε: {0}</translation>
        </message>
        <message>
            <source>Not sent: no marketing consent or address</source>
            <translation>Δεν στάλθηκε: χωρίς συγκατάθεση ή διεύθυνση</translation>
        </message>
        <message>
            <source>Failed: {0}</source>
            <translation>Απέτυχε: {0}</translation>
        </message>
    </context>
    <context>
        <name>FollowUps</name>
        <message>
            <source>{0} ({1} in {2})</source>
            <translation>{0} ({1} τοπική ώρα, {2})</translation>
        </message>
        <message>
            <source>CHECK SENT FOLDER · </source>
            <translation>ΕΛΕΓΞΤΕ ΤΑ ΑΠΕΣΤΑΛΜΕΝΑ · </translation>
        </message>
        <message>
            <source>OVERDUE · </source>
            <translation>ΕΚΠΡΟΘΕΣΜΟ · </translation>
        </message>
        <message>
            <source>Language</source>
            <translation>Γλώσσα</translation>
        </message>
        <message>
            <source>No further touches: {0}</source>
            <translation>Καμία άλλη επαφή: {0}</translation>
        </message>
        <message>
            <source>Next: {0} {1} · {2}</source>
            <translation>Επόμενο: {0} {1} · {2}</translation>
        </message>
        <message>
            <source>Email</source>
            <translation>Ηλ. ταχυδρομείο</translation>
        </message>
        <message>
            <source>Call</source>
            <translation>Κλήση</translation>
        </message>
        <message>
            <source>Letter</source>
            <translation>Επιστολή</translation>
        </message>
        <message>
            <source>CRM task</source>
            <translation>Εργασία CRM</translation>
        </message>
        <message>
            <source>Reached</source>
            <translation>Απάντησε</translation>
        </message>
        <message>
            <source>Voicemail</source>
            <translation>Τηλεφωνητής</translation>
        </message>
        <message>
            <source>No answer</source>
            <translation>Δεν απάντησε</translation>
        </message>
        <message>
            <source>Not interested</source>
            <translation>Δεν ενδιαφέρεται</translation>
        </message>
        <message>
            <source>Meeting booked</source>
            <translation>Ραντεβού</translation>
        </message>
        <message>
            <source>Wrong number</source>
            <translation>Λάθος αριθμός</translation>
        </message>
    </context>
    <context>
        <name>FollowupOutputsBar</name>
        <message>
            <source>{0} - {1} follow-ups</source>
            <translation>{0} - συνέχεια {1}</translation>
        </message>
        <message>
            <source>{0} - letters {1}</source>
            <translation>{0} - επιστολές {1}</translation>
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
            <translation>Κωδικός ηλ. ταχυδρομείου</translation>
        </message>
        <message>
            <source>Password for {0}
(kept in the system keyring, asked once):</source>
            <translation>Κωδικός για {0}
(φυλάσσεται στην κλειδοθήκη, ζητείται μία φορά):</translation>
        </message>
    </context>
    <context>
        <name>HubFooter</name>
        <message>
            <source>Hub: connecting…</source>
            <translation>Κόμβος: σύνδεση…</translation>
        </message>
        <message>
            <source>Hub refused this kiosk</source>
            <translation>Ο κόμβος απέρριψε αυτό το κιόσκι</translation>
        </message>
        <message numerus="yes">
            <source>%n waiting</source>
            <translation>
                <numerusform>%n σε αναμονή</numerusform>
                <numerusform>%n σε αναμονή</numerusform>
            </translation>
        </message>
        <message>
            <source>all shared</source>
            <translation>όλα μοιράστηκαν</translation>
        </message>
        <message>
            <source>Hub's certificate not accepted (TLS) · {waiting}</source>
            <translation>Το πιστοποιητικό του κόμβου δεν έγινε δεκτό (TLS) · {waiting}</translation>
        </message>
        <message>
            <source>Hub needs an upgrade (boothapp hub init) · {waiting}</source>
            <translation>Ο κόμβος χρειάζεται αναβάθμιση (boothapp hub init) · {waiting}</translation>
        </message>
        <message>
            <source>Hub error · {waiting}</source>
            <translation>Σφάλμα κόμβου · {waiting}</translation>
        </message>
        <message>
            <source>Hub online · all shared</source>
            <translation>Κόμβος σε σύνδεση · όλα μοιράστηκαν</translation>
        </message>
        <message>
            <source>Hub offline · all shared</source>
            <translation>Κόμβος εκτός σύνδεσης · όλα μοιράστηκαν</translation>
        </message>
        <message numerus="yes">
            <source>Hub online · %n waiting</source>
            <translation>
                <numerusform>Κόμβος σε σύνδεση · %n σε αναμονή</numerusform>
                <numerusform>Κόμβος σε σύνδεση · %n σε αναμονή</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Hub offline · %n waiting</source>
            <translation>
                <numerusform>Κόμβος εκτός σύνδεσης · %n σε αναμονή</numerusform>
                <numerusform>Κόμβος εκτός σύνδεσης · %n σε αναμονή</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>KioskWindow</name>
        <message>
            <source>{0} — BoothApp kiosk</source>
            <translation>{0} — BoothApp για επισκέπτες</translation>
        </message>
        <message>
            <source>Too many wrong PINs. Try again in {s} s</source>
            <translation>Πάρα πολλά λάθος PIN. Δοκιμάστε ξανά σε {s} δ.</translation>
        </message>
        <message>
            <source>Still there? Starting over in {s} s — touch to continue</source>
            <translation>Είστε εκεί; Επανεκκίνηση σε {s} δ. — αγγίξτε για συνέχεια</translation>
        </message>
        <message>
            <source>Sorry, that did not work. Please ask our staff.</source>
            <translation>Λυπούμαστε, κάτι πήγε στραβά. Ρωτήστε το προσωπικό μας.</translation>
        </message>
    </context>
    <context>
        <name>LeadDetail</name>
        <message>
            <source>Please delete</source>
            <translation>Παρακαλώ διαγράψτε</translation>
        </message>
        <message>
            <source>Stage</source>
            <translation>Στάδιο</translation>
        </message>
        <message>
            <source>Notes</source>
            <translation>Σημειώσεις</translation>
        </message>
        <message>
            <source>Rating</source>
            <translation>Αξιολόγηση</translation>
        </message>
        <message>
            <source>Answers</source>
            <translation>Απαντήσεις</translation>
        </message>
        <message>
            <source>Owner</source>
            <translation>Υπεύθυνος</translation>
        </message>
        <message>
            <source>someone</source>
            <translation>κάποιος</translation>
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
            <translation>ναι</translation>
        </message>
        <message>
            <source>no</source>
            <translation>όχι</translation>
        </message>
        <message>
            <source>(empty)</source>
            <translation>(κενό)</translation>
        </message>
        <message>
            <source>none planned</source>
            <translation>κανένα προγραμματισμένο</translation>
        </message>
        <message>
            <source>Next: {0} {1} {2}</source>
            <translation>Επόμενο: {0} {1} {2}</translation>
        </message>
        <message>
            <source>No open touches</source>
            <translation>Καμία ανοιχτή επαφή</translation>
        </message>
        <message>
            <source>{0} done</source>
            <translation>{0} έγιναν</translation>
        </message>
        <message>
            <source>{0} open</source>
            <translation>{0} ανοιχτές</translation>
        </message>
        <message>
            <source>{0} need attention (bounced or interrupted)</source>
            <translation>{0} θέλουν προσοχή (επεστράφησαν ή διακόπηκαν)</translation>
        </message>
        <message>
            <source>last: {0}</source>
            <translation>τελευταίο: {0}</translation>
        </message>
    </context>
    <context>
        <name>LeadDetailPanel</name>
        <message>
            <source>Select a lead</source>
            <translation>Επιλέξτε μια επαφή</translation>
        </message>
        <message>
            <source>Add a note (kept with your name and the time)</source>
            <translation>Προσθέστε σημείωση (κρατιέται με το όνομά σας και την ώρα)</translation>
        </message>
        <message>
            <source>(routing decides)</source>
            <translation>(αποφασίζει η δρομολόγηση)</translation>
        </message>
        <message>
            <source>Managers change the owner; routing chose it at capture</source>
            <translation>Τον υπεύθυνο αλλάζουν οι διευθυντές· τον επέλεξε η δρομολόγηση κατά την καταγραφή</translation>
        </message>
        <message>
            <source>Save changes (Ctrl+S)</source>
            <translation>Αποθήκευση αλλαγών (Ctrl+S)</translation>
        </message>
        <message>
            <source>Please delete</source>
            <translation>Παρακαλώ διαγράψτε</translation>
        </message>
        <message>
            <source>Junk or test entry: an administrator reviews flagged leads; nothing is deleted now</source>
            <translation>Άχρηστη ή δοκιμαστική εγγραφή: ένας διαχειριστής ελέγχει τις σημειωμένες επαφές· τίποτα δεν διαγράφεται τώρα</translation>
        </message>
        <message>
            <source>none planned</source>
            <translation>κανένα προγραμματισμένο</translation>
        </message>
        <message>
            <source>Close (Esc)</source>
            <translation>Κλείσιμο (Esc)</translation>
        </message>
        <message>
            <source>Lead sheet (PDF)…</source>
            <translation>Φύλλο επαφής (PDF)…</translation>
        </message>
        <message>
            <source>One page for the rep who takes this lead over</source>
            <translation>Μία σελίδα για τον πωλητή που αναλαμβάνει την επαφή</translation>
        </message>
        <message>
            <source>Rating</source>
            <translation>Αξιολόγηση</translation>
        </message>
        <message>
            <source>Owner</source>
            <translation>Υπεύθυνος</translation>
        </message>
        <message>
            <source>Stage</source>
            <translation>Στάδιο</translation>
        </message>
        <message>
            <source>Follow-ups</source>
            <translation>Συνέχεια</translation>
        </message>
        <message>
            <source>Sync</source>
            <translation>Συγχρονισμός</translation>
        </message>
        <message>
            <source>Contact</source>
            <translation>Στοιχεία</translation>
        </message>
        <message>
            <source>Answers</source>
            <translation>Απαντήσεις</translation>
        </message>
        <message>
            <source>Notes</source>
            <translation>Σημειώσεις</translation>
        </message>
        <message>
            <source>Pipeline</source>
            <translation>Πορεία πώλησης</translation>
        </message>
        <message>
            <source>History</source>
            <translation>Ιστορικό</translation>
        </message>
        <message>
            <source>Loading…</source>
            <translation>Φόρτωση…</translation>
        </message>
        <message>
            <source>Could not load follow-ups: {0}</source>
            <translation>Η συνέχεια δεν φορτώθηκε: {0}</translation>
        </message>
        <message>
            <source>Could not open the lead: {0}</source>
            <translation>Η επαφή δεν άνοιξε: {0}</translation>
        </message>
        <message>
            <source> by {0}</source>
            <translation> από {0}</translation>
        </message>
        <message>
            <source>{0} · score {1} · captured {2}{3}</source>
            <translation>{0} · βαθμός {1} · καταγραφή {2}{3}</translation>
        </message>
        <message>
            <source>(none)</source>
            <translation>(κανένα)</translation>
        </message>
        <message>
            <source>No edits yet</source>
            <translation>Καμία αλλαγή ακόμα</translation>
        </message>
        <message>
            <source>a colleague</source>
            <translation>συνάδελφο</translation>
        </message>
        <message>
            <source>Captured by {who}: only they or a manager edit it</source>
            <translation>Καταγραφή από {who}: την αλλάζει μόνο ο ίδιος/η ίδια ή ένας υπεύθυνος</translation>
        </message>
        <message>
            <source>Nothing changed</source>
            <translation>Τίποτα δεν άλλαξε</translation>
        </message>
        <message>
            <source>Saving…</source>
            <translation>Αποθήκευση…</translation>
        </message>
        <message>
            <source>Saved</source>
            <translation>Αποθηκεύτηκε</translation>
        </message>
        <message>
            <source>Not saved: {0}</source>
            <translation>Δεν αποθηκεύτηκε: {0}</translation>
        </message>
    </context>
    <context>
        <name>LeadForm</name>
        <message>
            <source>Notes — Enter saves · Shift+Enter or Ctrl+Enter: new line</source>
            <translation>Σημειώσεις — Enter για αποθήκευση · Shift+Enter ή Ctrl+Enter: νέα γραμμή</translation>
        </message>
        <message>
            <source>Discard what you typed? Esc again discards; keep typing to stay.</source>
            <translation>Να χαθούν όσα γράψατε; Ξανά Esc για απόρριψη· συνεχίστε να γράφετε για να μείνετε.</translation>
        </message>
        <message>
            <source>New lead</source>
            <translation>Νέα επαφή</translation>
        </message>
        <message>
            <source>Referred by (name or company)</source>
            <translation>Σύσταση από (όνομα ή εταιρεία)</translation>
        </message>
        <message>
            <source>Cancel (Esc)</source>
            <translation>Ακύρωση (Esc)</translation>
        </message>
        <message>
            <source>Save (Enter)</source>
            <translation>Αποθήκευση (Enter)</translation>
        </message>
        <message>
            <source>Walk-in visitor</source>
            <translation>Επισκέπτης χωρίς κονκάρδα</translation>
        </message>
        <message>
            <source>Badge scanned</source>
            <translation>Η κονκάρδα σαρώθηκε</translation>
        </message>
        <message>
            <source>qualified for sales</source>
            <translation>κατάλληλη για πωλήσεις</translation>
        </message>
        <message>
            <source>nurture</source>
            <translation>για καλλιέργεια</translation>
        </message>
        <message>
            <source> (your rating)</source>
            <translation> (η δική σας αξιολόγηση)</translation>
        </message>
        <message>
            <source>Score {0} → suggested {1}{2}; {3}</source>
            <translation>Βαθμός {0} → προτείνεται {1}{2}· {3}</translation>
        </message>
        <message>
            <source>Please answer: </source>
            <translation>Απαντήστε: </translation>
        </message>
        <message>
            <source>Email: {0}</source>
            <translation>Ηλ. ταχυδρομείο: {0}</translation>
        </message>
        <message>
            <source>Not saved: {0}</source>
            <translation>Δεν αποθηκεύτηκε: {0}</translation>
        </message>
    </context>
    <context>
        <name>Leads</name>
        <message>
            <source>Name</source>
            <translation>Όνομα</translation>
        </message>
        <message>
            <source>Company</source>
            <translation>Εταιρεία</translation>
        </message>
        <message>
            <source>Rating</source>
            <translation>Αξιολόγηση</translation>
        </message>
        <message>
            <source>Stage</source>
            <translation>Στάδιο</translation>
        </message>
        <message>
            <source>Staff</source>
            <translation>Προσωπικό</translation>
        </message>
        <message>
            <source>Captured</source>
            <translation>Καταγραφή</translation>
        </message>
        <message>
            <source>Sync</source>
            <translation>Συγχρονισμός</translation>
        </message>
        <message>
            <source>Hot</source>
            <translation>Ζεστή</translation>
        </message>
        <message>
            <source>Warm</source>
            <translation>Χλιαρή</translation>
        </message>
        <message>
            <source>Cold</source>
            <translation>Κρύα</translation>
        </message>
        <message>
            <source>To contact</source>
            <translation>Για επικοινωνία</translation>
        </message>
        <message>
            <source>In contact</source>
            <translation>Σε επικοινωνία</translation>
        </message>
        <message>
            <source>Follow-up</source>
            <translation>Συνέχεια</translation>
        </message>
        <message>
            <source>Quote to prepare</source>
            <translation>Προσφορά προς ετοιμασία</translation>
        </message>
        <message>
            <source>Quote sent</source>
            <translation>Η προσφορά στάλθηκε</translation>
        </message>
        <message>
            <source>Won</source>
            <translation>Κερδήθηκε</translation>
        </message>
        <message>
            <source>Not interested</source>
            <translation>Δεν ενδιαφέρεται</translation>
        </message>
        <message>
            <source>Not queued</source>
            <translation>Εκτός ουράς</translation>
        </message>
        <message>
            <source>Pending</source>
            <translation>Σε αναμονή</translation>
        </message>
        <message>
            <source>Synced</source>
            <translation>Συγχρονίστηκε</translation>
        </message>
        <message>
            <source>Failed</source>
            <translation>Απέτυχε</translation>
        </message>
        <message>
            <source>{0}  (please delete)</source>
            <translation>{0}  (παρακαλώ διαγράψτε)</translation>
        </message>
    </context>
    <context>
        <name>LeadsPage</name>
        <message>
            <source>Searching…</source>
            <translation>Αναζήτηση…</translation>
        </message>
        <message>
            <source>Search name, company, e-mail, notes   (Ctrl+F)</source>
            <translation>Αναζήτηση ονόματος, εταιρείας, ηλ. ταχυδρομείου, σημειώσεων   (Ctrl+F)</translation>
        </message>
        <message>
            <source>Rating</source>
            <translation>Αξιολόγηση</translation>
        </message>
        <message>
            <source>Staff</source>
            <translation>Προσωπικό</translation>
        </message>
        <message>
            <source>Day</source>
            <translation>Μέρα</translation>
        </message>
        <message>
            <source>Stage</source>
            <translation>Στάδιο</translation>
        </message>
        <message>
            <source>Sync</source>
            <translation>Συγχρονισμός</translation>
        </message>
        <message>
            <source>Only “please delete”</source>
            <translation>Μόνο «παρακαλώ διαγράψτε»</translation>
        </message>
        <message>
            <source>Could not load: {0}</source>
            <translation>Δεν φορτώθηκε: {0}</translation>
        </message>
        <message>
            <source>{0}: any</source>
            <translation>{0}: όλα</translation>
        </message>
    </context>
    <context>
        <name>MailHeaders</name>
        <message>
            <source>From</source>
            <translation>Από</translation>
        </message>
        <message>
            <source>To</source>
            <translation>Προς</translation>
        </message>
        <message>
            <source>Subject</source>
            <translation>Θέμα</translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <source>Ready</source>
            <translation>Έτοιμο</translation>
        </message>
        <message>
            <source>Quit</source>
            <translation>Έξοδος</translation>
        </message>
    </context>
    <context>
        <name>ManagerPinDialog</name>
        <message>
            <source>Manager PIN</source>
            <translation>PIN υπευθύνου</translation>
        </message>
        <message>
            <source>{action} is for a manager: manager PIN</source>
            <translation>{action}: μόνο για υπεύθυνο — PIN υπευθύνου</translation>
        </message>
        <message>
            <source>Checking…</source>
            <translation>Έλεγχος…</translation>
        </message>
        <message>
            <source>Too many wrong PINs: wait {s} s</source>
            <translation>Πολλά λάθος PIN: περιμένετε {s} δ.</translation>
        </message>
        <message>
            <source>Not a manager's PIN ({n} tries left)</source>
            <translation>Δεν είναι PIN υπευθύνου (απομένουν {n} προσπάθειες)</translation>
        </message>
    </context>
    <context>
        <name>Navigation</name>
        <message>
            <source>Sign in</source>
            <translation>Σύνδεση</translation>
        </message>
        <message>
            <source>Scan</source>
            <translation>Σάρωση</translation>
        </message>
        <message>
            <source>Leads</source>
            <translation>Επαφές</translation>
        </message>
        <message>
            <source>Dashboard</source>
            <translation>Πίνακας</translation>
        </message>
        <message>
            <source>Follow-ups</source>
            <translation>Συνέχεια</translation>
        </message>
        <message>
            <source>CRM sync</source>
            <translation>Συγχρ. CRM</translation>
        </message>
        <message>
            <source>Event settings</source>
            <translation>Ρυθμίσεις</translation>
        </message>
        <message>
            <source>Results</source>
            <translation>Αποτελέσματα</translation>
        </message>
        <message>
            <source>Deletion requests</source>
            <translation>Προς διαγραφή</translation>
        </message>
        <message>
            <source>Audit log</source>
            <translation>Αρχείο ελέγχου</translation>
        </message>
    </context>
    <context>
        <name>OnScreenKeyboard</name>
        <message>
            <source>Latin letters</source>
            <translation>Λατινικά γράμματα</translation>
        </message>
    </context>
    <context>
        <name>PinPad</name>
        <message>
            <source>Wrong PIN</source>
            <translation>Λάθος PIN</translation>
        </message>
        <message>
            <source>Staff PIN</source>
            <translation>PIN προσωπικού</translation>
        </message>
        <message>
            <source>Backspace</source>
            <translation>Διαγραφή</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>Ακύρωση</translation>
        </message>
        <message>
            <source>OK</source>
            <translation>Εντάξει</translation>
        </message>
        <message>
            <source>Enter</source>
            <translation>Εντάξει</translation>
        </message>
    </context>
    <context>
        <name>QLineEdit</name>
        <message>
            <source>&amp;Undo</source>
            <translation>&amp;Αναίρεση</translation>
        </message>
        <message>
            <source>&amp;Redo</source>
            <translation>Ακύρωση αναί&amp;ρεσης</translation>
        </message>
        <message>
            <source>Cu&amp;t</source>
            <translation>&amp;Αποκοπή</translation>
        </message>
        <message>
            <source>&amp;Copy</source>
            <translation>Α&amp;ντιγραφή</translation>
        </message>
        <message>
            <source>&amp;Paste</source>
            <translation>&amp;Επικόλληση</translation>
        </message>
        <message>
            <source>Delete</source>
            <translation>Διαγραφή</translation>
        </message>
        <message>
            <source>Select All</source>
            <translation>Επιλογή όλων</translation>
        </message>
    </context>
    <context>
        <name>QMessageBox</name>
        <message>
            <source>Show Details...</source>
            <translation>Εμφάνιση λεπτομερειών...</translation>
        </message>
        <message>
            <source>Hide Details...</source>
            <translation>Απόκρυψη λεπτομερειών...</translation>
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
            <translation>Αποθήκευση</translation>
        </message>
        <message>
            <source>Open</source>
            <translation>Άνοιγμα</translation>
        </message>
        <message>
            <source>&amp;Yes</source>
            <translation>&amp;Ναι</translation>
        </message>
        <message>
            <source>&amp;No</source>
            <translation>Ό&amp;χι</translation>
        </message>
        <message>
            <source>Close</source>
            <translation>Κλείσιμο</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>Ακύρωση</translation>
        </message>
        <message>
            <source>Discard</source>
            <translation>Απόρριψη</translation>
        </message>
        <message>
            <source>Apply</source>
            <translation>Εφαρμογή</translation>
        </message>
        <message>
            <source>Reset</source>
            <translation>Επαναφορά</translation>
        </message>
        <message>
            <source>Retry</source>
            <translation>Ξανά</translation>
        </message>
        <message>
            <source>Ignore</source>
            <translation>Παράβλεψη</translation>
        </message>
        <message>
            <source>Abort</source>
            <translation>Διακοπή</translation>
        </message>
        <message>
            <source>Help</source>
            <translation>Βοήθεια</translation>
        </message>
    </context>
    <context>
        <name>QWidgetTextControl</name>
        <message>
            <source>&amp;Undo</source>
            <translation>&amp;Αναίρεση</translation>
        </message>
        <message>
            <source>&amp;Redo</source>
            <translation>Ακύρωση αναί&amp;ρεσης</translation>
        </message>
        <message>
            <source>Cu&amp;t</source>
            <translation>&amp;Αποκοπή</translation>
        </message>
        <message>
            <source>&amp;Copy</source>
            <translation>Α&amp;ντιγραφή</translation>
        </message>
        <message>
            <source>Copy &amp;Link Location</source>
            <translation>Αντιγραφή &amp;συνδέσμου</translation>
        </message>
        <message>
            <source>&amp;Paste</source>
            <translation>&amp;Επικόλληση</translation>
        </message>
        <message>
            <source>Delete</source>
            <translation>Διαγραφή</translation>
        </message>
        <message>
            <source>Select All</source>
            <translation>Επιλογή όλων</translation>
        </message>
    </context>
    <context>
        <name>QWizard</name>
        <message>
            <source>&lt; &amp;Back</source>
            <translation>&lt; &amp;Πίσω</translation>
        </message>
        <message>
            <source>&amp;Next &gt;</source>
            <translation>&amp;Επόμενο &gt;</translation>
        </message>
        <message>
            <source>&amp;Finish</source>
            <translation>&amp;Τέλος</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>Ακύρωση</translation>
        </message>
        <message>
            <source>&amp;Help</source>
            <translation>&amp;Βοήθεια</translation>
        </message>
    </context>
    <context>
        <name>QuestionInput</name>
        <message>
            <source>Key {0}</source>
            <translation>Πλήκτρο {0}</translation>
        </message>
    </context>
    <context>
        <name>QuestionsPage</name>
        <message>
            <source>What interests you?</source>
            <translation>Τι σας ενδιαφέρει;</translation>
        </message>
        <message>
            <source>Back</source>
            <translation>Πίσω</translation>
        </message>
        <message>
            <source>Next</source>
            <translation>Επόμενο</translation>
        </message>
    </context>
    <context>
        <name>RecoveryKeyPage</name>
        <message>
            <source>Recovery key</source>
            <translation>Κλειδί ανάκτησης</translation>
        </message>
        <message>
            <source>The lead database is encrypted. Print this key or write it down and keep it away from this laptop: it opens the database on another computer.</source>
            <translation>Η βάση επαφών είναι κρυπτογραφημένη. Εκτυπώστε ή σημειώστε αυτό το κλειδί και φυλάξτε το μακριά από αυτόν τον φορητό: με αυτό ανοίγει η βάση σε άλλον υπολογιστή.</translation>
        </message>
        <message>
            <source>On this computer the key is kept in %1.</source>
            <translation>Σε αυτόν τον υπολογιστή το κλειδί φυλάσσεται σε: %1.</translation>
        </message>
        <message>
            <source>No system keyring was found: the key sits in a file beside the database, so the encryption protects a copy of the database, not this folder.</source>
            <translation>Δεν βρέθηκε κλειδοθήκη συστήματος: το κλειδί βρίσκεται σε αρχείο δίπλα στη βάση, οπότε η κρυπτογράφηση προστατεύει ένα αντίγραφο της βάσης, όχι αυτόν τον φάκελο.</translation>
        </message>
        <message>
            <source>Copy</source>
            <translation>Αντιγραφή</translation>
        </message>
        <message>
            <source>Print…</source>
            <translation>Εκτύπωση…</translation>
        </message>
        <message>
            <source>I have printed or written down the recovery key</source>
            <translation>Εκτύπωσα ή σημείωσα το κλειδί ανάκτησης</translation>
        </message>
        <message>
            <source>BoothApp database recovery key</source>
            <translation>Κλειδί ανάκτησης της βάσης BoothApp</translation>
        </message>
        <message>
            <source>Type it into “boothapp db restore-key” on another computer.</source>
            <translation>Πληκτρολογήστε το στο «boothapp db restore-key» σε άλλον υπολογιστή.</translation>
        </message>
    </context>
    <context>
        <name>RestoreKeyDialog</name>
        <message>
            <source>Database key needed</source>
            <translation>Χρειάζεται το κλειδί της βάσης</translation>
        </message>
        <message>
            <source>This computer has no key for the encrypted lead database. Type the recovery key the manager printed at set-up (or see “boothapp db recovery-key” on the laptop that made it).</source>
            <translation>Αυτός ο υπολογιστής δεν έχει κλειδί για την κρυπτογραφημένη βάση επαφών. Πληκτρολογήστε το κλειδί ανάκτησης που εκτύπωσε ο υπεύθυνος στην εγκατάσταση (ή δείτε το «boothapp db recovery-key» στον φορητό όπου δημιουργήθηκε).</translation>
        </message>
        <message>
            <source>Recovery key</source>
            <translation>Κλειδί ανάκτησης</translation>
        </message>
        <message>
            <source>Open database</source>
            <translation>Άνοιγμα βάσης</translation>
        </message>
    </context>
    <context>
        <name>ResultsPage</name>
        <message>
            <source>Results: {0}</source>
            <translation>Αποτελέσματα: {0}</translation>
        </message>
        <message>
            <source>Refresh</source>
            <translation>Ανανέωση</translation>
        </message>
        <message>
            <source>Pull deals from CRM</source>
            <translation>Λήψη συμφωνιών από το CRM</translation>
        </message>
        <message>
            <source>Compare with… (none)</source>
            <translation>Σύγκριση με… (καμία)</translation>
        </message>
        <message>
            <source>Open this page (F8) or press Refresh to work out the results.</source>
            <translation>Ανοίξτε τη σελίδα (F8) ή πατήστε Ανανέωση για να βγουν τα αποτελέσματα.</translation>
        </message>
        <message>
            <source>Working out the results…</source>
            <translation>Υπολογισμός αποτελεσμάτων…</translation>
        </message>
        <message>
            <source>Reading deals back from the CRM…</source>
            <translation>Ανάγνωση συμφωνιών από το CRM…</translation>
        </message>
        <message>
            <source>Results not available: {0}</source>
            <translation>Τα αποτελέσματα δεν είναι διαθέσιμα: {0}</translation>
        </message>
        <message>
            <source>(nobody)</source>
            <translation>(κανείς)</translation>
        </message>
        <message>
            <source>From {0} leads, their follow-ups and the deals pulled back from the CRM · as of {1}</source>
            <translation>Από {0} επαφές, τη συνέχειά τους και τις συμφωνίες από το CRM · στις {1}</translation>
        </message>
        <message>
            <source>Compare with {0}</source>
            <translation>Σύγκριση με {0}</translation>
        </message>
        <message>
            <source>Headline</source>
            <translation>Κύρια στοιχεία</translation>
        </message>
        <message>
            <source>Figure</source>
            <translation>Μέγεθος</translation>
        </message>
        <message>
            <source>Value</source>
            <translation>Τιμή</translation>
        </message>
        <message>
            <source>Side by side with {0}</source>
            <translation>Δίπλα δίπλα με {0}</translation>
        </message>
        <message>
            <source>Funnel</source>
            <translation>Χωνί πωλήσεων</translation>
        </message>
        <message>
            <source>Money</source>
            <translation>Έσοδα</translation>
        </message>
        <message>
            <source>Currency</source>
            <translation>Νόμισμα</translation>
        </message>
        <message>
            <source>Pipeline</source>
            <translation>Πορεία πώλησης</translation>
        </message>
        <message>
            <source>Won</source>
            <translation>Κερδήθηκε</translation>
        </message>
        <message>
            <source>Open</source>
            <translation>Άνοιγμα</translation>
        </message>
        <message>
            <source>Lost</source>
            <translation>Χάθηκε</translation>
        </message>
        <message>
            <source>Won/open/lost</source>
            <translation>Κερδισμένες/ανοιχτές/χαμένες</translation>
        </message>
        <message>
            <source>No deals yet: “Pull deals from CRM” brings them back.</source>
            <translation>Καμία συμφωνία ακόμα: η «Λήψη συμφωνιών από το CRM» τις φέρνει.</translation>
        </message>
        <message>
            <source>Speed to lead</source>
            <translation>Ταχύτητα ανταπόκρισης</translation>
        </message>
        <message>
            <source>First contact</source>
            <translation>Πρώτη επαφή</translation>
        </message>
        <message>
            <source>Leads</source>
            <translation>Επαφές</translation>
        </message>
        <message>
            <source>Meeting</source>
            <translation>Ραντεβού</translation>
        </message>
        <message>
            <source>95 % interval</source>
            <translation>διάστημα 95 %</translation>
        </message>
        <message>
            <source>Did 'hot' predict won? By rating</source>
            <translation>Προέβλεψε το 'ζεστή' τη νίκη; Ανά αξιολόγηση</translation>
        </message>
        <message>
            <source>Rating</source>
            <translation>Αξιολόγηση</translation>
        </message>
        <message>
            <source>By rep</source>
            <translation>Ανά πωλητή</translation>
        </message>
        <message>
            <source>Rep</source>
            <translation>Πωλητής</translation>
        </message>
        <message>
            <source>First touch that got an answer</source>
            <translation>Πρώτη επαφή που πήρε απάντηση</translation>
        </message>
        <message>
            <source>Weekday</source>
            <translation>Ημέρα εβδομάδας</translation>
        </message>
        <message>
            <source>First touches</source>
            <translation>Πρώτες επαφές</translation>
        </message>
        <message>
            <source>Answered</source>
            <translation>Απαντήθηκαν</translation>
        </message>
        <message>
            <source>Rate</source>
            <translation>Ποσοστό</translation>
        </message>
        <message>
            <source>Where leads sit now</source>
            <translation>Πού βρίσκονται τώρα οι επαφές</translation>
        </message>
        <message>
            <source>Stage</source>
            <translation>Στάδιο</translation>
        </message>
        <message>
            <source>Median days</source>
            <translation>Διάμεσος ημερών</translation>
        </message>
        <message>
            <source>Longest</source>
            <translation>Μέγιστο</translation>
        </message>
    </context>
    <context>
        <name>RosterImportDialog</name>
        <message>
            <source>Badge / registration id</source>
            <translation>Κονκάρδα / αριθμός εγγραφής</translation>
        </message>
        <message>
            <source>Token</source>
            <translation>Διακριτικό</translation>
        </message>
        <message>
            <source>First name</source>
            <translation>Όνομα</translation>
        </message>
        <message>
            <source>Last name</source>
            <translation>Επώνυμο</translation>
        </message>
        <message>
            <source>Full name</source>
            <translation>Ονοματεπώνυμο</translation>
        </message>
        <message>
            <source>Email</source>
            <translation>Ηλ. ταχυδρομείο</translation>
        </message>
        <message>
            <source>Company</source>
            <translation>Εταιρεία</translation>
        </message>
        <message>
            <source>Job title</source>
            <translation>Θέση</translation>
        </message>
        <message>
            <source>Phone</source>
            <translation>Τηλέφωνο</translation>
        </message>
        <message>
            <source>Country</source>
            <translation>Χώρα</translation>
        </message>
        <message>
            <source>City</source>
            <translation>Πόλη</translation>
        </message>
        <message>
            <source>Website / LinkedIn</source>
            <translation>Ιστότοπος / LinkedIn</translation>
        </message>
        <message>
            <source>Registration type</source>
            <translation>Τύπος εγγραφής</translation>
        </message>
        <message>
            <source>(not in the file)</source>
            <translation>(δεν υπάρχει στο αρχείο)</translation>
        </message>
        <message>
            <source>Import the roster — {0}</source>
            <translation>Εισαγωγή λίστας επισκεπτών — {0}</translation>
        </message>
        <message>
            <source>The organiser's attendee list (CSV or Excel) lets id-only badges show the visitor's name and company offline.</source>
            <translation>Η λίστα επισκεπτών του διοργανωτή (CSV ή Excel) δείχνει όνομα και εταιρεία και για κονκάρδες με μόνο αριθμό, χωρίς δίκτυο.</translation>
        </message>
        <message>
            <source>No file chosen</source>
            <translation>Δεν επιλέχθηκε αρχείο</translation>
        </message>
        <message>
            <source>Choose file…</source>
            <translation>Επιλογή αρχείου…</translation>
        </message>
        <message>
            <source>Import</source>
            <translation>Εισαγωγή</translation>
        </message>
        <message>
            <source>Close</source>
            <translation>Κλείσιμο</translation>
        </message>
        <message>
            <source>Roster file</source>
            <translation>Αρχείο λίστας</translation>
        </message>
        <message>
            <source>Rosters (*.csv *.txt *.xlsx *.xls *.ods);;All files (*)</source>
            <translation>Λίστες (*.csv *.txt *.xlsx *.xls *.ods);;Όλα τα αρχεία (*)</translation>
        </message>
        <message>
            <source>Reading…</source>
            <translation>Ανάγνωση…</translation>
        </message>
        <message>
            <source>ready to import</source>
            <translation>έτοιμοι για εισαγωγή</translation>
        </message>
        <message>
            <source>read</source>
            <translation>διαβάστηκαν</translation>
        </message>
        <message>
            <source>, delimiter {0!r}</source>
            <translation>, διαχωριστικό {0!r}</translation>
        </message>
        <message>
            <source>{0} attendees {1}, {2} rows rejected (encoding {3}{4}).</source>
            <translation>{0} επισκέπτες {1}, {2} γραμμές απορρίφθηκαν (κωδικοποίηση {3}{4}).</translation>
        </message>
        <message>
            <source>{0} attendees added, {1} updated, {2} rows rejected; {3} in the roster now.</source>
            <translation>{0} επισκέπτες προστέθηκαν, {1} ενημερώθηκαν, {2} γραμμές απορρίφθηκαν· τώρα {3} στη λίστα.</translation>
        </message>
        <message>
            <source>line {0}: {1}</source>
            <translation>γραμμή {0}: {1}</translation>
        </message>
        <message>
            <source>Importing…</source>
            <translation>Εισαγωγή…</translation>
        </message>
        <message>
            <source>Not imported: {0}</source>
            <translation>Δεν έγινε εισαγωγή: {0}</translation>
        </message>
    </context>
    <context>
        <name>ScanPage</name>
        <message>
            <source>Keep last visitor</source>
            <translation>Να μένει ο τελευταίος επισκέπτης</translation>
        </message>
        <message>
            <source>Hide after 10 s</source>
            <translation>Απόκρυψη μετά από 10 δ.</translation>
        </message>
        <message>
            <source>Hide after 30 s</source>
            <translation>Απόκρυψη μετά από 30 δ.</translation>
        </message>
        <message>
            <source>Hide after 1 min</source>
            <translation>Απόκρυψη μετά από 1 λεπτό</translation>
        </message>
        <message>
            <source> on {when}</source>
            <translation> στις {when}</translation>
        </message>
        <message>
            <source>someone</source>
            <translation>κάποιος</translation>
        </message>
        <message>
            <source>another device</source>
            <translation>άλλη συσκευή</translation>
        </message>
        <message>
            <source>Scanned before by {who}{at} ({device}): this is the existing lead, no duplicate made.</source>
            <translation>Σαρώθηκε ήδη από {who}{at} ({device}): αυτή είναι η υπάρχουσα επαφή, δεν έγινε διπλότυπο.</translation>
        </message>
        <message>
            <source>someone on this device</source>
            <translation>κάποιος σε αυτή τη συσκευή</translation>
        </message>
        <message>
            <source>Scanned before by {who}{at}: this is the existing lead, no duplicate made.</source>
            <translation>Σαρώθηκε ήδη από {who}{at}: αυτή είναι η υπάρχουσα επαφή, δεν έγινε διπλότυπο.</translation>
        </message>
        <message>
            <source>Hub: connecting…</source>
            <translation>Κόμβος: σύνδεση…</translation>
        </message>
        <message>
            <source>all changes shared</source>
            <translation>όλες οι αλλαγές μοιράστηκαν</translation>
        </message>
        <message>
            <source>Hub online · {waiting}</source>
            <translation>Κόμβος σε σύνδεση · {waiting}</translation>
        </message>
        <message>
            <source>Hub refused this device (revoked or wrong password) · {waiting}</source>
            <translation>Ο κόμβος απέρριψε αυτή τη συσκευή (ανακλήθηκε ή λάθος κωδικός) · {waiting}</translation>
        </message>
        <message>
            <source>Hub's certificate not accepted (TLS), leads are kept here · {waiting}</source>
            <translation>Το πιστοποιητικό του κόμβου δεν έγινε δεκτό (TLS), οι επαφές κρατιούνται εδώ · {waiting}</translation>
        </message>
        <message>
            <source>Hub needs an upgrade (boothapp hub init), leads are kept here · {waiting}</source>
            <translation>Ο κόμβος χρειάζεται αναβάθμιση (boothapp hub init), οι επαφές κρατιούνται εδώ · {waiting}</translation>
        </message>
        <message>
            <source>Hub error, leads are kept here · {waiting}</source>
            <translation>Σφάλμα κόμβου, οι επαφές κρατιούνται εδώ · {waiting}</translation>
        </message>
        <message>
            <source>Hub offline, leads are kept here · {waiting}</source>
            <translation>Κόμβος εκτός σύνδεσης, οι επαφές κρατιούνται εδώ · {waiting}</translation>
        </message>
        <message>
            <source>Camera off</source>
            <translation>Κάμερα κλειστή</translation>
        </message>
        <message>
            <source>A handheld scanner still works.</source>
            <translation>Ο σαρωτής χειρός λειτουργεί κανονικά.</translation>
        </message>
        <message>
            <source>Walk-in (F5)</source>
            <translation>Χωρίς κάρτα (F5)</translation>
        </message>
        <message>
            <source>A visitor without a badge: type their details</source>
            <translation>Επισκέπτης χωρίς κονκάρδα: πληκτρολογήστε τα στοιχεία του</translation>
        </message>
        <message>
            <source>Badge photo</source>
            <translation>Φωτογραφία</translation>
        </message>
        <message>
            <source>The badge cannot be read: keep a photo to type it in later</source>
            <translation>Η κονκάρδα δεν διαβάζεται: κρατήστε φωτογραφία για να την περάσετε αργότερα</translation>
        </message>
        <message>
            <source>Ready to scan</source>
            <translation>Έτοιμο για σάρωση</translation>
        </message>
        <message>
            <source>Hold a badge up to the camera, or scan it with the handheld scanner.
F5: walk-in without badge · F6: photo of a business card</source>
            <translation>Κρατήστε την κονκάρδα μπροστά στην κάμερα ή σαρώστε τη με τον σαρωτή χειρός.
F5: επισκέπτης χωρίς κονκάρδα · F6: φωτογραφία επαγγελματικής κάρτας</translation>
        </message>
        <message>
            <source>Hide the last visitor's name and company from the screen</source>
            <translation>Απόκρυψη ονόματος και εταιρείας του τελευταίου επισκέπτη</translation>
        </message>
        <message>
            <source>Just captured</source>
            <translation>Μόλις καταγράφηκαν</translation>
        </message>
        <message>
            <source>Sign in first: badges seen by the camera are not kept.</source>
            <translation>Συνδεθείτε πρώτα: οι κονκάρδες που βλέπει η κάμερα δεν κρατούνται.</translation>
        </message>
        <message>
            <source>Another badge was seen by the camera: save or cancel this lead first.</source>
            <translation>Η κάμερα είδε άλλη κονκάρδα: αποθηκεύστε ή ακυρώστε πρώτα αυτή την επαφή.</translation>
        </message>
        <message>
            <source>Unreadable: the scanner sent nothing usable</source>
            <translation>Δεν διαβάστηκε: ο σαρωτής δεν έστειλε κάτι χρήσιμο</translation>
        </message>
        <message>
            <source>Next visitor's badge is read: it opens when you save or cancel this lead.</source>
            <translation>Η κονκάρδα του επόμενου επισκέπτη διαβάστηκε: ανοίγει μόλις αποθηκεύσετε ή ακυρώσετε αυτή την επαφή.</translation>
        </message>
        <message>
            <source>Next visitor waiting</source>
            <translation>Ο επόμενος επισκέπτης περιμένει</translation>
        </message>
        <message>
            <source>Badge read</source>
            <translation>Η κονκάρδα διαβάστηκε</translation>
        </message>
        <message>
            <source>Scan not kept: {0}</source>
            <translation>Η σάρωση δεν κρατήθηκε: {0}</translation>
        </message>
        <message>
            <source>Scanned before: {0}</source>
            <translation>Σαρώθηκε ήδη: {0}</translation>
        </message>
        <message>
            <source>Unreadable badge: </source>
            <translation>Μη αναγνώσιμη κονκάρδα: </translation>
        </message>
        <message>
            <source>new visitor</source>
            <translation>νέος επισκέπτης</translation>
        </message>
        <message>
            <source>New lead: {0}</source>
            <translation>Νέα επαφή: {0}</translation>
        </message>
        <message>
            <source>Badge scanned</source>
            <translation>Η κονκάρδα σαρώθηκε</translation>
        </message>
        <message>
            <source>✔ {0}</source>
            <translation>✔ {0}</translation>
        </message>
        <message>
            <source>No camera picture to keep. Use 'walk-in' and type the name.</source>
            <translation>Δεν υπάρχει εικόνα για να κρατηθεί. Πατήστε 'Χωρίς κονκάρδα' και γράψτε το όνομα.</translation>
        </message>
        <message>
            <source>Photo kept to resolve later ({0}). Type what you can read: F5.</source>
            <translation>Η φωτογραφία κρατήθηκε για αργότερα ({0}). Γράψτε ό,τι διαβάζετε: F5.</translation>
        </message>
        <message>
            <source>Photo not kept: {0}</source>
            <translation>Η φωτογραφία δεν κρατήθηκε: {0}</translation>
        </message>
        <message>
            <source>{0} · {1} · {2}</source>
            <translation>{0} · {1} · {2}</translation>
        </message>
        <message>
            <source>Saved {0}. Next visitor!</source>
            <translation>Αποθηκεύτηκε: {0}. Επόμενος επισκέπτης!</translation>
        </message>
        <message>
            <source>Hide after {0} s</source>
            <translation>Απόκρυψη μετά από {0} δ.</translation>
        </message>
        <message>
            <source>{0} visitor(s) hidden for privacy</source>
            <translation>{0} επισκέπτες κρύφτηκαν για ιδιωτικότητα</translation>
        </message>
    </context>
    <context>
        <name>ScanStep</name>
        <message>
            <source>Hold your badge up to the camera</source>
            <translation>Κρατήστε την κονκάρδα σας μπροστά στην κάμερα</translation>
        </message>
        <message>
            <source>No badge? Type your details</source>
            <translation>Χωρίς κονκάρδα; Πληκτρολογήστε τα στοιχεία σας</translation>
        </message>
        <message>
            <source>Start over</source>
            <translation>Από την αρχή</translation>
        </message>
    </context>
    <context>
        <name>SettingsForm</name>
        <message>
            <source>Id</source>
            <translation>Κωδικός</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>Όνομα</translation>
        </message>
        <message>
            <source>Time zone</source>
            <translation>Ζώνη ώρας</translation>
        </message>
        <message>
            <source>Hours</source>
            <translation>Ώρες</translation>
        </message>
        <message>
            <source>(question)</source>
            <translation>(ερώτηση)</translation>
        </message>
        <message>
            <source>Required on the booth form</source>
            <translation>Υποχρεωτικό στη φόρμα</translation>
        </message>
        <message>
            <source>Add option</source>
            <translation>Προσθήκη επιλογής</translation>
        </message>
        <message>
            <source>Remove option</source>
            <translation>Αφαίρεση επιλογής</translation>
        </message>
        <message>
            <source>Questions, options and translations</source>
            <translation>Ερωτήσεις, επιλογές και μεταφράσεις</translation>
        </message>
        <message>
            <source>Rating thresholds and targets</source>
            <translation>Όρια αξιολόγησης και στόχοι</translation>
        </message>
        <message>
            <source>Warm from (score)</source>
            <translation>Χλιαρή από (βαθμός)</translation>
        </message>
        <message>
            <source>Hot from (score)</source>
            <translation>Ζεστή από (βαθμός)</translation>
        </message>
        <message>
            <source>The dashboard measures each person's day against it</source>
            <translation>Ο πίνακας μετρά τη μέρα του καθενός με βάση αυτό</translation>
        </message>
        <message>
            <source>Leads per person per day</source>
            <translation>Επαφές ανά άτομο ανά μέρα</translation>
        </message>
        <message>
            <source>until erased</source>
            <translation>μέχρι τη διαγραφή</translation>
        </message>
        <message>
            <source> days</source>
            <translation> ημέρες</translation>
        </message>
        <message>
            <source>Leads neither synced nor won are erased this long after capture</source>
            <translation>Οι επαφές που ούτε συγχρονίστηκαν ούτε κερδήθηκαν διαγράφονται τόσο καιρό μετά την καταγραφή</translation>
        </message>
        <message>
            <source>Keep unsynced leads</source>
            <translation>Διατήρηση επαφών
χωρίς συγχρονισμό</translation>
        </message>
        <message>
            <source>Add rep</source>
            <translation>Προσθήκη πωλητή</translation>
        </message>
        <message>
            <source>Remove rep</source>
            <translation>Αφαίρεση πωλητή</translation>
        </message>
        <message>
            <source>Routing reps (who gets leads)</source>
            <translation>Δρομολόγηση (ποιος παίρνει τις επαφές)</translation>
        </message>
        <message>
            <source>Working hours, like 09:00-17:00</source>
            <translation>Ώρες εργασίας, π.χ. 09:00-17:00</translation>
        </message>
        <message>
            <source>Option id</source>
            <translation>Αναγνωριστικό επιλογής</translation>
        </message>
        <message>
            <source>Default wording</source>
            <translation>Προεπιλεγμένη διατύπωση</translation>
        </message>
    </context>
    <context>
        <name>SetupWizard</name>
        <message>
            <source>Set up your event</source>
            <translation>Ρυθμίστε την έκθεσή σας</translation>
        </message>
        <message>
            <source>Back</source>
            <translation>Πίσω</translation>
        </message>
        <message>
            <source>Next</source>
            <translation>Επόμενο</translation>
        </message>
        <message>
            <source>Commit</source>
            <translation>Επιβεβαίωση</translation>
        </message>
        <message>
            <source>Finish</source>
            <translation>Ολοκλήρωση</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>Ακύρωση</translation>
        </message>
        <message>
            <source>Help</source>
            <translation>Βοήθεια</translation>
        </message>
        <message>
            <source>Could not create the event</source>
            <translation>Η έκθεση δεν δημιουργήθηκε</translation>
        </message>
    </context>
    <context>
        <name>Shell</name>
        <message>
            <source>Welcome to BoothApp</source>
            <translation>Καλώς ήρθατε στο BoothApp</translation>
        </message>
        <message>
            <source>Welcome! Set up your event, or try BoothApp on a demo event first (no camera needed: a recorded badge feed plays as the camera).</source>
            <translation>Καλώς ήρθατε! Ρυθμίστε την έκθεσή σας ή δοκιμάστε πρώτα το BoothApp σε μια δοκιμαστική έκθεση (χωρίς κάμερα: ένα βίντεο με κονκάρδες παίζει ως κάμερα).</translation>
        </message>
        <message>
            <source>Set up my event</source>
            <translation>Ρύθμιση της έκθεσής μου</translation>
        </message>
        <message>
            <source>Try the demo</source>
            <translation>Δοκιμάστε την επίδειξη</translation>
        </message>
        <message>
            <source>Preparing the demo event and its badge video…</source>
            <translation>Προετοιμασία της δοκιμαστικής έκθεσης και του βίντεο…</translation>
        </message>
        <message>
            <source>BoothApp demo</source>
            <translation>Δοκιμή του BoothApp</translation>
        </message>
        <message>
            <source>Demo not available</source>
            <translation>Η επίδειξη δεν είναι διαθέσιμη</translation>
        </message>
        <message>
            <source>No camera chosen: scan badges with the handheld scanner.</source>
            <translation>Δεν επιλέχθηκε κάμερα: σαρώστε με τον σαρωτή χειρός.</translation>
        </message>
        <message>
            <source>No camera found. Plug one in (and restart), or use a handheld scanner.</source>
            <translation>Δεν βρέθηκε κάμερα. Συνδέστε μία (και κάντε επανεκκίνηση) ή χρησιμοποιήστε σαρωτή χειρός.</translation>
        </message>
    </context>
    <context>
        <name>SignInPage</name>
        <message>
            <source>Wrong PIN</source>
            <translation>Λάθος PIN</translation>
        </message>
        <message>
            <source>Too many wrong PINs: try again in {s} s</source>
            <translation>Πολλά λάθος PIN: δοκιμάστε ξανά σε {s} δ.</translation>
        </message>
        <message>
            <source>Who is at the booth?</source>
            <translation>Ποιος είναι στο περίπτερο;</translation>
        </message>
        <message>
            <source>Tap your name</source>
            <translation>Πατήστε το όνομά σας</translation>
        </message>
        <message>
            <source>Manager unlock</source>
            <translation>Ξεκλείδωμα από υπεύθυνο</translation>
        </message>
        <message>
            <source>Language</source>
            <translation>Γλώσσα</translation>
        </message>
        <message>
            <source>No staff yet: an event manager adds staff first</source>
            <translation>Δεν υπάρχει προσωπικό ακόμα: πρώτα ένας υπεύθυνος προσθέτει άτομα</translation>
        </message>
        <message>
            <source>PIN for {0}</source>
            <translation>PIN για {0}</translation>
        </message>
        <message>
            <source>Checking…</source>
            <translation>Έλεγχος…</translation>
        </message>
        <message>
            <source>This staff member cannot sign in any more</source>
            <translation>Αυτό το άτομο δεν μπορεί πια να συνδεθεί</translation>
        </message>
        <message>
            <source>Signed in: {0}</source>
            <translation>Συνδεδεμένος/η: {0}</translation>
        </message>
        <message>
            <source>Could not sign in: {0}</source>
            <translation>Η σύνδεση απέτυχε: {0}</translation>
        </message>
        <message>
            <source>Manager PIN to unlock {0}</source>
            <translation>PIN υπευθύνου για ξεκλείδωμα του/της {0}</translation>
        </message>
        <message>
            <source>Unlocked by {0}</source>
            <translation>Ξεκλείδωσε ο/η {0}</translation>
        </message>
        <message>
            <source>Too many wrong manager PINs: wait for the countdown</source>
            <translation>Πολλά λάθος PIN υπευθύνου: περιμένετε την αντίστροφη μέτρηση</translation>
        </message>
        <message>
            <source>Wrong manager PIN</source>
            <translation>Λάθος PIN υπευθύνου</translation>
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
            <translation>Ραντεβού</translation>
        </message>
        <message>
            <source>Won</source>
            <translation>Κερδήθηκε</translation>
        </message>
    </context>
    <context>
        <name>StaffSetupPage</name>
        <message>
            <source>Booth staff</source>
            <translation>Προσωπικό περιπτέρου</translation>
        </message>
        <message>
            <source>Add everyone who scans at the booth. Each signs in with a 4-8 digit PIN.</source>
            <translation>Προσθέστε όσους σαρώνουν στο περίπτερο. Ο καθένας συνδέεται με PIN 4-8 ψηφίων.</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>Όνομα</translation>
        </message>
        <message>
            <source>PIN</source>
            <translation>PIN</translation>
        </message>
        <message>
            <source>Add</source>
            <translation>Προσθήκη</translation>
        </message>
        <message>
            <source>Remove selected</source>
            <translation>Αφαίρεση επιλεγμένου</translation>
        </message>
        <message>
            <source>Enter a name</source>
            <translation>Γράψτε ένα όνομα</translation>
        </message>
        <message>
            <source>{0} is already on the list</source>
            <translation>Ο/Η {0} είναι ήδη στη λίστα</translation>
        </message>
    </context>
    <context>
        <name>SyncPage</name>
        <message>
            <source>; retrying at {0:%H:%M}</source>
            <translation>· νέα προσπάθεια στις {0:%H:%M}</translation>
        </message>
        <message>
            <source>{0} is not answering{1}</source>
            <translation>Το {0} δεν απαντά{1}</translation>
        </message>
        <message>
            <source>{0} was not answering; trying one lead</source>
            <translation>Το {0} δεν απαντούσε· δοκιμή με μία επαφή</translation>
        </message>
        <message>
            <source>Sync now</source>
            <translation>Συγχρονισμός τώρα</translation>
        </message>
        <message>
            <source>Pull changes from CRM</source>
            <translation>Λήψη αλλαγών από το CRM</translation>
        </message>
        <message>
            <source>Take the owner and stage that sales changed in the CRM. A booth edit made after the CRM's change is kept and goes out with the next sync.</source>
            <translation>Παίρνει τον υπεύθυνο και το στάδιο που άλλαξαν οι πωλήσεις στο CRM. Μια αλλαγή στο περίπτερο μετά από εκείνη του CRM κρατιέται και φεύγει με τον επόμενο συγχρονισμό.</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>Ακύρωση</translation>
        </message>
        <message>
            <source>Lead</source>
            <translation>Επαφή</translation>
        </message>
        <message>
            <source>Company</source>
            <translation>Εταιρεία</translation>
        </message>
        <message>
            <source>CRM says</source>
            <translation>Απάντηση CRM</translation>
        </message>
        <message>
            <source>Retry failed</source>
            <translation>Ξανά όσα απέτυχαν</translation>
        </message>
        <message>
            <source>Sync</source>
            <translation>Συγχρονισμός</translation>
        </message>
        <message>
            <source>Leads the CRM refused</source>
            <translation>Επαφές που απέρριψε το CRM</translation>
        </message>
        <message>
            <source>No CRM set up for this event yet: fill in the settings.</source>
            <translation>Δεν έχει ρυθμιστεί CRM για την έκθεση: συμπληρώστε τις ρυθμίσεις.</translation>
        </message>
        <message>
            <source>never</source>
            <translation>ποτέ</translation>
        </message>
        <message>
            <source>{0}: {1} synced, {2} waiting, {3} failed; last sync {4}</source>
            <translation>{0}: {1} συγχρονίστηκαν, {2} σε αναμονή, {3} απέτυχαν· τελευταίος συγχρονισμός {4}</translation>
        </message>
        <message>
            <source>Reading back what sales changed in the CRM…</source>
            <translation>Ανάγνωση των αλλαγών των πωλήσεων στο CRM…</translation>
        </message>
        <message>
            <source>Read back {0} of {1} leads</source>
            <translation>Διαβάστηκαν {0} από {1} επαφές</translation>
        </message>
        <message>
            <source>, about {0} left</source>
            <translation>, απομένουν περίπου {0}</translation>
        </message>
        <message>
            <source>{0} of {1} · {2:.0f} leads/min{3}{4}</source>
            <translation>{0} από {1} · {2:.0f} επαφές/λεπτό{3}{4}</translation>
        </message>
        <message>
            <source>Done: {0} sent, {1} refused.</source>
            <translation>Έτοιμο: {0} στάλθηκαν, {1} απορρίφθηκαν.</translation>
        </message>
        <message>
            <source>Paused: {0}</source>
            <translation>Σε παύση: {0}</translation>
        </message>
        <message>
            <source>Sync cancelled; the rest stays queued.</source>
            <translation>Ο συγχρονισμός ακυρώθηκε· τα υπόλοιπα μένουν στην ουρά.</translation>
        </message>
        <message>
            <source>The CRM refused the credentials: {0}</source>
            <translation>Το CRM απέρριψε τα στοιχεία σύνδεσης: {0}</translation>
        </message>
        <message>
            <source>The CRM set-up needs fixing: {0}</source>
            <translation>Οι ρυθμίσεις CRM θέλουν διόρθωση: {0}</translation>
        </message>
        <message>
            <source>Stopped for now; the rest stays queued.</source>
            <translation>Σταμάτησε προς το παρόν· τα υπόλοιπα μένουν στην ουρά.</translation>
        </message>
        <message>
            <source>{0} {1}</source>
            <translation>{0} {1}</translation>
        </message>
        <message>
            <source>{0:.0f} s</source>
            <translation>{0:.0f} δ.</translation>
        </message>
        <message>
            <source>{0:.0f} min</source>
            <translation>{0:.0f} λεπτά</translation>
        </message>
    </context>
    <context>
        <name>ThanksPage</name>
        <message>
            <source>Thank you, {name}! We will be in touch.</source>
            <translation>Ευχαριστούμε, {name}! Θα επικοινωνήσουμε μαζί σας.</translation>
        </message>
        <message>
            <source>Thank you! We will be in touch.</source>
            <translation>Ευχαριστούμε! Θα επικοινωνήσουμε μαζί σας.</translation>
        </message>
    </context>
    <context>
        <name>UnfinishedVisitorsDialog</name>
        <message>
            <source>Unfinished visitors</source>
            <translation>Επισκέπτες που έμειναν στη μέση</translation>
        </message>
        <message>
            <source>These badges were scanned but their lead was never saved.</source>
            <translation>Αυτές οι κονκάρδες σαρώθηκαν, αλλά η επαφή τους δεν αποθηκεύτηκε ποτέ.</translation>
        </message>
        <message>
            <source>Visitor</source>
            <translation>Επισκέπτης</translation>
        </message>
        <message>
            <source>Badge</source>
            <translation>Κονκάρδα</translation>
        </message>
        <message>
            <source>Scanned</source>
            <translation>Σάρωση</translation>
        </message>
        <message>
            <source>Resume</source>
            <translation>Συνέχεια</translation>
        </message>
        <message>
            <source>Discard</source>
            <translation>Απόρριψη</translation>
        </message>
        <message>
            <source>Later</source>
            <translation>Αργότερα</translation>
        </message>
        <message>
            <source>{name} saved</source>
            <translation>Αποθηκεύτηκε: {name}</translation>
        </message>
        <message>
            <source>Set aside</source>
            <translation>Παραμερίστηκε</translation>
        </message>
    </context>
    <context>
        <name>_Count</name>
        <message numerus="yes">
            <source>%Ln lead(s)</source>
            <translation>
                <numerusform>%Ln επαφή</numerusform>
                <numerusform>%Ln επαφές</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>_HubWords</name>
        <message numerus="yes">
            <source>%n change(s) waiting</source>
            <translation>
                <numerusform>%n αλλαγή σε αναμονή</numerusform>
                <numerusform>%n αλλαγές σε αναμονή</numerusform>
            </translation>
        </message>
    </context>
</TS>
