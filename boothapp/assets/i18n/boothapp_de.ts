<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
    <context>
        <name>AttractPage</name>
        <message>
            <source>Welcome to our booth</source>
            <translation>Willkommen an unserem Stand</translation>
        </message>
        <message>
            <source>Tap “Scan my badge” to turn the camera on</source>
            <translation>Tippen Sie auf „Meinen Badge scannen“, um die Kamera einzuschalten</translation>
        </message>
        <message>
            <source>Scan my badge</source>
            <translation>Meinen Badge scannen</translation>
        </message>
        <message>
            <source>No badge? Type your details</source>
            <translation>Kein Badge? Daten eintippen</translation>
        </message>
    </context>
    <context>
        <name>AuditPage</name>
        <message>
            <source>Audit log: every export, erase and settings change</source>
            <translation>Audit-Protokoll: jeder Export, jede Löschung, jede Einstellungsänderung</translation>
        </message>
        <message>
            <source>All actions</source>
            <translation>Alle Aktionen</translation>
        </message>
        <message>
            <source>Refresh</source>
            <translation>Aktualisieren</translation>
        </message>
        <message>
            <source>Action</source>
            <translation>Aktion</translation>
        </message>
        <message>
            <source>Who</source>
            <translation>Wer</translation>
        </message>
        <message>
            <source>Lead</source>
            <translation>Lead</translation>
        </message>
        <message>
            <source>When</source>
            <translation>Wann</translation>
        </message>
        <message>
            <source>What</source>
            <translation>Was</translation>
        </message>
        <message>
            <source>Not loaded: {e}</source>
            <translation>Laden fehlgeschlagen: {e}</translation>
        </message>
        <message>
            <source>{n} entries</source>
            <translation>{n} Einträge</translation>
        </message>
    </context>
    <context>
        <name>CameraController</name>
        <message>
            <source>No camera</source>
            <translation>Keine Kamera</translation>
        </message>
        <message>
            <source>Starting camera…</source>
            <translation>Kamera startet…</translation>
        </message>
        <message>
            <source>Camera stopped</source>
            <translation>Kamera angehalten</translation>
        </message>
        <message>
            <source>Camera disconnected — reconnecting…</source>
            <translation>Kamera getrennt — verbinde neu…</translation>
        </message>
        <message>
            <source>{0} · {1:.0f} fps · decode {2:.0f} ms</source>
            <translation>{0} · {1:.0f} fps · Erkennung {2:.0f} ms</translation>
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
            <translation>Videodatei…</translation>
        </message>
        <message>
            <source>Network camera URL…</source>
            <translation>Netzwerkkamera-URL…</translation>
        </message>
        <message>
            <source>No camera (handheld scanner only)</source>
            <translation>Keine Kamera (nur Handscanner)</translation>
        </message>
        <message>
            <source>Video or camera recording</source>
            <translation>Video oder Kameraaufnahme</translation>
        </message>
        <message>
            <source>Video (*.mp4 *.avi *.mkv *.mov);;All (*)</source>
            <translation>Video (*.mp4 *.avi *.mkv *.mov);;Alle (*)</translation>
        </message>
        <message>
            <source>Network camera</source>
            <translation>Netzwerkkamera</translation>
        </message>
        <message>
            <source>RTSP or HTTP address (rtsp://user:pass@host/stream)</source>
            <translation>RTSP- oder HTTP-Adresse (rtsp://benutzer:passwort@host/stream)</translation>
        </message>
    </context>
    <context>
        <name>CameraView</name>
        <message>
            <source>Starting camera…</source>
            <translation>Kamera startet…</translation>
        </message>
    </context>
    <context>
        <name>CardCapture</name>
        <message>
            <source>Card (F6)</source>
            <translation>Karte (F6)</translation>
        </message>
        <message>
            <source>Read a business card or a badge without a barcode</source>
            <translation>Visitenkarte oder Badge ohne Barcode lesen</translation>
        </message>
        <message>
            <source>No camera picture: start the camera and hold the card up to it.</source>
            <translation>Kein Kamerabild: Kamera starten und die Karte davorhalten.</translation>
        </message>
        <message>
            <source>Reading the card…</source>
            <translation>Karte wird gelesen…</translation>
        </message>
        <message>
            <source>Read from a business card: check the fields marked in yellow.</source>
            <translation>Von der Visitenkarte gelesen: gelb markierte Felder prüfen.</translation>
        </message>
        <message>
            <source>{0} is already a lead: here it is.</source>
            <translation>{0} ist schon ein Lead: hier ist der Eintrag.</translation>
        </message>
        <message>
            <source>Found in the roster: {0}. Check the fields marked in yellow.</source>
            <translation>In der Teilnehmerliste gefunden: {0}. Gelb markierte Felder prüfen.</translation>
        </message>
        <message>
            <source> (it was upside down)</source>
            <translation> (sie stand auf dem Kopf)</translation>
        </message>
        <message>
            <source>Card read in {0:.1f} s{1}.</source>
            <translation>Karte in {0:.1f} s gelesen{1}.</translation>
        </message>
        <message>
            <source>Check this: the card reader was not sure (or found nothing).</source>
            <translation>Bitte prüfen: Der Kartenleser war unsicher (oder fand nichts).</translation>
        </message>
        <message>
            <source>The card could not be read: {0}</source>
            <translation>Karte nicht lesbar: {0}</translation>
        </message>
    </context>
    <context>
        <name>ChannelInSentence</name>
        <message>
            <source>email</source>
            <translation>E-Mail</translation>
        </message>
        <message>
            <source>call</source>
            <translation>Anruf</translation>
        </message>
        <message>
            <source>letter</source>
            <translation>Brief</translation>
        </message>
        <message>
            <source>CRM task</source>
            <translation>CRM-Aufgabe</translation>
        </message>
    </context>
    <context>
        <name>Clock</name>
        <message>
            <source>times in {0}</source>
            <translation>Zeiten in {0}</translation>
        </message>
    </context>
    <context>
        <name>ConfirmPage</name>
        <message>
            <source>Is this you?</source>
            <translation>Sind Sie das?</translation>
        </message>
        <message>
            <source>Yes, it's me</source>
            <translation>Ja, das bin ich</translation>
        </message>
        <message>
            <source>No, not me</source>
            <translation>Nein, das bin ich nicht</translation>
        </message>
    </context>
    <context>
        <name>ConsentPage</name>
        <message>
            <source>May we contact you?</source>
            <translation>Dürfen wir Sie kontaktieren?</translation>
        </message>
        <message>
            <source>Yes, you may contact me by email about your products and this event. I can withdraw this at any time.</source>
            <translation>Ja, Sie dürfen mich per E-Mail zu Ihren Produkten und dieser Messe kontaktieren. Ich kann das jederzeit widerrufen.</translation>
        </message>
        <message>
            <source>I agree</source>
            <translation>Ich stimme zu</translation>
        </message>
        <message>
            <source>Email me the brochure</source>
            <translation>Broschüre per E-Mail senden</translation>
        </message>
        <message>
            <source>Back</source>
            <translation>Zurück</translation>
        </message>
        <message>
            <source>Finish</source>
            <translation>Fertig</translation>
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
            <translation>Signaturschlüssel (HMAC)</translation>
        </message>
        <message>
            <source>Intake key</source>
            <translation>Intake-Schlüssel</translation>
        </message>
        <message>
            <source>API token (edits, notes, tasks)</source>
            <translation>API-Token (Änderungen, Notizen, Aufgaben)</translation>
        </message>
        <message>
            <source>Private app token</source>
            <translation>Private-App-Token</translation>
        </message>
        <message>
            <source>CRM settings</source>
            <translation>CRM-Einstellungen</translation>
        </message>
        <message>
            <source>https://crm.example.com</source>
            <translation>https://crm.example.com</translation>
        </message>
        <message>
            <source>the connected app's consumer key</source>
            <translation>Consumer Key der verbundenen App</translation>
        </message>
        <message>
            <source>https://login.salesforce.com</source>
            <translation>https://login.salesforce.com</translation>
        </message>
        <message>
            <source>/path/to/the/folder/another/tool/watches</source>
            <translation>/pfad/zum/ordner/den/ein/anderes/tool/beobachtet</translation>
        </message>
        <message>
            <source>Send each lead as soon as it is saved</source>
            <translation>Jeden Lead sofort nach dem Speichern senden</translation>
        </message>
        <message>
            <source>Save settings</source>
            <translation>Einstellungen speichern</translation>
        </message>
        <message>
            <source>Test connection</source>
            <translation>Verbindung testen</translation>
        </message>
        <message>
            <source>Connect Salesforce…</source>
            <translation>Salesforce verbinden…</translation>
        </message>
        <message>
            <source>Sign in to Salesforce in your browser; BoothApp keeps the session in the system keyring and renews it by itself.</source>
            <translation>Im Browser bei Salesforce anmelden; BoothApp bewahrt die Sitzung im Schlüsselbund des Systems auf und erneuert sie selbst.</translation>
        </message>
        <message>
            <source>CRM</source>
            <translation>CRM</translation>
        </message>
        <message>
            <source>Address</source>
            <translation>Adresse</translation>
        </message>
        <message>
            <source>Folder</source>
            <translation>Ordner</translation>
        </message>
        <message>
            <source>Intake id</source>
            <translation>Intake-ID</translation>
        </message>
        <message>
            <source>Portal id</source>
            <translation>Portal-ID</translation>
        </message>
        <message>
            <source>Campaign id</source>
            <translation>Kampagnen-ID</translation>
        </message>
        <message>
            <source>Consumer key</source>
            <translation>Consumer Key</translation>
        </message>
        <message>
            <source>Sign-in address</source>
            <translation>Anmeldeadresse</translation>
        </message>
        <message>
            <source>stored in the system keyring; leave empty to keep</source>
            <translation>im Schlüsselbund gespeichert; leer lassen zum Behalten</translation>
        </message>
        <message>
            <source>filled in by Connect</source>
            <translation>wird beim Verbinden ausgefüllt</translation>
        </message>
        <message>
            <source>https://hooks.example.com/… (each lead is POSTed here, signed)</source>
            <translation>https://hooks.example.com/… (jeder Lead wird signiert hierher gePOSTet)</translation>
        </message>
        <message>
            <source>Settings saved.</source>
            <translation>Einstellungen gespeichert.</translation>
        </message>
        <message>
            <source>Testing…</source>
            <translation>Teste…</translation>
        </message>
        <message>
            <source>Waiting for the Salesforce sign-in in your browser…</source>
            <translation>Warte auf die Salesforce-Anmeldung im Browser…</translation>
        </message>
    </context>
    <context>
        <name>DashboardPage</name>
        <message>
            <source>never</source>
            <translation>nie</translation>
        </message>
        <message>
            <source>just now</source>
            <translation>gerade eben</translation>
        </message>
        <message>
            <source>{0} min ago</source>
            <translation>vor {0} Min.</translation>
        </message>
        <message>
            <source>{0} h ago</source>
            <translation>vor {0} Std.</translation>
        </message>
        <message>
            <source>&lt; 1 min</source>
            <translation>&lt; 1 Min.</translation>
        </message>
        <message>
            <source>{0} min</source>
            <translation>{0} Min.</translation>
        </message>
        <message>
            <source>{0} h {1:02d} min</source>
            <translation>{0} Std. {1:02d} Min.</translation>
        </message>
        <message>
            <source>{0} d {1} h</source>
            <translation>{0} T. {1} Std.</translation>
        </message>
        <message>
            <source>capture → first contact · no leads yet</source>
            <translation>Erfassung → Erstkontakt · noch keine Leads</translation>
        </message>
        <message>
            <source>capture → first contact · nobody contacted yet, {0:,} waiting</source>
            <translation>Erfassung → Erstkontakt · noch niemand kontaktiert, {0:,} warten</translation>
        </message>
        <message>
            <source> · {0:,} waiting</source>
            <translation> · {0:,} warten</translation>
        </message>
        <message>
            <source>Leads today</source>
            <translation>Leads heute</translation>
        </message>
        <message>
            <source>Rating mix today</source>
            <translation>Bewertungsmix heute</translation>
        </message>
        <message>
            <source>Last sync</source>
            <translation>Letzte Synchronisierung</translation>
        </message>
        <message>
            <source>Qualified for sales</source>
            <translation>Vertriebsreif</translation>
        </message>
        <message>
            <source>Response time</source>
            <translation>Reaktionszeit</translation>
        </message>
        <message>
            <source>Leads per hour</source>
            <translation>Leads pro Stunde</translation>
        </message>
        <message>
            <source>Today against target</source>
            <translation>Heute im Vergleich zum Ziel</translation>
        </message>
        <message>
            <source>Leaderboard (whole show)</source>
            <translation>Rangliste (ganze Messe)</translation>
        </message>
        <message>
            <source>Could not refresh: {0}</source>
            <translation>Aktualisieren fehlgeschlagen: {0}</translation>
        </message>
        <message>
            <source>{0:,}</source>
            <translation>{0:,}</translation>
        </message>
        <message>
            <source>target {0:,} · {1} hot · {2}</source>
            <translation>Ziel {0:,} · {1} heiß · {2}</translation>
        </message>
        <message>
            <source>
last lead {0}</source>
            <translation>
letzter Lead {0}</translation>
        </message>
        <message>
            <source>&lt;span style='color:{0}'&gt;{1}&lt;/span&gt; · &lt;span style='color:{2}'&gt;{3}&lt;/span&gt; · &lt;span style='color:{4}'&gt;{5}&lt;/span&gt;</source>
            <translation>&lt;span style='color:{0}'&gt;{1}&lt;/span&gt; · &lt;span style='color:{2}'&gt;{3}&lt;/span&gt; · &lt;span style='color:{4}'&gt;{5}&lt;/span&gt;</translation>
        </message>
        <message>
            <source>&lt;span style='color:{0}'&gt;hot&lt;/span&gt; · &lt;span style='color:{1}'&gt;warm&lt;/span&gt; · &lt;span style='color:{2}'&gt;cold&lt;/span&gt;{3}</source>
            <translation>&lt;span style='color:{0}'&gt;heiß&lt;/span&gt; · &lt;span style='color:{1}'&gt;warm&lt;/span&gt; · &lt;span style='color:{2}'&gt;kalt&lt;/span&gt;{3}</translation>
        </message>
        <message>
            <source> · {0} hot</source>
            <translation> · {0} heiß</translation>
        </message>
        <message>
            <source>SQL to sales{0} · {1:,} MQL to nurture</source>
            <translation>an den Vertrieb{0} · {1:,} zur Pflege</translation>
        </message>
        <message>
            <source>nothing sent to the CRM yet</source>
            <translation>noch nichts ans CRM gesendet</translation>
        </message>
        <message>
            <source>&lt;b&gt;{0}&lt;/b&gt; leads</source>
            <translation>&lt;b&gt;{0}&lt;/b&gt; Leads</translation>
        </message>
        <message>
            <source>&lt;table&gt;{0}&lt;/table&gt;</source>
            <translation>&lt;table&gt;{0}&lt;/table&gt;</translation>
        </message>
        <message>
            <source>No leads yet</source>
            <translation>Noch keine Leads</translation>
        </message>
        <message>
            <source>{0} / {1}</source>
            <translation>{0} / {1}</translation>
        </message>
        <message>
            <source>{0} hot</source>
            <translation>{0} heiß</translation>
        </message>
        <message>
            <source>median, capture → first contact&lt;br&gt;&lt;b&gt;{0}&lt;/b&gt; within {1}&lt;br&gt;{2:,} of {3:,} contacted{4}</source>
            <translation>Median, Erfassung → Erstkontakt&lt;br&gt;&lt;b&gt;{0}&lt;/b&gt; innerhalb {1}&lt;br&gt;{2:,} von {3:,} kontaktiert{4}</translation>
        </message>
        <message numerus="yes">
            <source>%n h</source>
            <translation>
                <numerusform>%n Stunde</numerusform>
                <numerusform>%n Stunden</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>DeleteReviewPage</name>
        <message>
            <source>Deletion requests: erase for good, or keep</source>
            <translation>Zu löschen: endgültig löschen oder behalten</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>Name</translation>
        </message>
        <message>
            <source>Company</source>
            <translation>Firma</translation>
        </message>
        <message>
            <source>E-mail</source>
            <translation>E-Mail</translation>
        </message>
        <message>
            <source>By</source>
            <translation>Von</translation>
        </message>
        <message>
            <source>Captured</source>
            <translation>Erfasst</translation>
        </message>
        <message>
            <source>Erase</source>
            <translation>Löschen</translation>
        </message>
        <message>
            <source>Gone for good: the lead, its scans, history and mails</source>
            <translation>Endgültig weg: der Lead, seine Scans, sein Verlauf und seine Mails</translation>
        </message>
        <message>
            <source>Keep</source>
            <translation>Behalten</translation>
        </message>
        <message>
            <source>A real visitor: unflag and plan follow-ups again</source>
            <translation>Ein echter Besucher: Markierung entfernen und Nachfassen neu planen</translation>
        </message>
        <message>
            <source>Not loaded: {e}</source>
            <translation>Laden fehlgeschlagen: {e}</translation>
        </message>
        <message>
            <source>Flagged for deletion: {n}</source>
            <translation>Zum Löschen markiert: {n}</translation>
        </message>
        <message>
            <source>Erase lead</source>
            <translation>Lead löschen</translation>
        </message>
        <message>
            <source>Erase {name} for good? This cannot be undone.</source>
            <translation>{name} endgültig löschen? Das lässt sich nicht rückgängig machen.</translation>
        </message>
        <message>
            <source>{name} erased</source>
            <translation>{name} gelöscht</translation>
        </message>
        <message>
            <source>{name} kept and unflagged</source>
            <translation>{name} behalten, Markierung entfernt</translation>
        </message>
    </context>
    <context>
        <name>DesktopWindow</name>
        <message>
            <source>Follow-up mail: {0}</source>
            <translation>Folge-Mail: {0}</translation>
        </message>
        <message>
            <source>Scan to form: {0:.0f} ms</source>
            <translation>Scan bis Formular: {0:.0f} ms</translation>
        </message>
        <message>
            <source>Not signed in</source>
            <translation>Nicht angemeldet</translation>
        </message>
        <message>
            <source>Lock (Ctrl+L)</source>
            <translation>Sperren (Strg+L)</translation>
        </message>
        <message>
            <source>Deletion requests</source>
            <translation>Zu löschen</translation>
        </message>
        <message>
            <source>Dark/light</source>
            <translation>Dunkel/hell</translation>
        </message>
        <message>
            <source>Export…</source>
            <translation>Exportieren…</translation>
        </message>
        <message>
            <source>Kiosk mode</source>
            <translation>Kiosk-Modus</translation>
        </message>
        <message>
            <source>Import roster…</source>
            <translation>Teilnehmerliste importieren…</translation>
        </message>
        <message>
            <source>Signed in: {0}</source>
            <translation>Angemeldet: {0}</translation>
        </message>
        <message>
            <source>Status unknown: {0}</source>
            <translation>Status unbekannt: {0}</translation>
        </message>
        <message>
            <source>Locked: sign in</source>
            <translation>Gesperrt: bitte anmelden</translation>
        </message>
        <message numerus="yes">
            <source>Retention rule: %n lead(s) past the event's limit erased</source>
            <translation>
                <numerusform>Aufbewahrungsregel: %n Lead über der Frist der Messe gelöscht</numerusform>
                <numerusform>Aufbewahrungsregel: %n Leads über der Frist der Messe gelöscht</numerusform>
            </translation>
        </message>
        <message>
            <source>Retention rule: {0}</source>
            <translation>Aufbewahrungsregel: {0}</translation>
        </message>
        <message>
            <source>CRM sync</source>
            <translation>CRM-Abgleich</translation>
        </message>
        <message>
            <source>Event settings</source>
            <translation>Messe-Einstellungen</translation>
        </message>
        <message>
            <source>Audit log</source>
            <translation>Audit-Protokoll</translation>
        </message>
        <message>
            <source>Signed in: {staff} · manager: {manager}</source>
            <translation>Angemeldet: {staff} · Manager: {manager}</translation>
        </message>
        <message>
            <source>Sign in first: the badge was not kept.</source>
            <translation>Erst anmelden: Der Badge wurde nicht übernommen.</translation>
        </message>
        <message>
            <source>Saved {0}</source>
            <translation>{0} gespeichert</translation>
        </message>
        <message>
            <source>Password not kept: {0}</source>
            <translation>Passwort nicht gespeichert: {0}</translation>
        </message>
        <message>
            <source>Follow-ups: {0} email(s) sent, {1} failed{2}</source>
            <translation>Nachfassen: {0} E-Mail(s) gesendet, {1} fehlgeschlagen{2}</translation>
        </message>
        <message>
            <source>No camera chosen: scan badges with the handheld scanner.</source>
            <translation>Keine Kamera gewählt: Badges mit dem Handscanner scannen.</translation>
        </message>
        <message>
            <source>Lead sheet written: {0}</source>
            <translation>Lead-Blatt geschrieben: {0}</translation>
        </message>
        <message>
            <source>No lead sheet: {0}</source>
            <translation>Kein Lead-Blatt: {0}</translation>
        </message>
        <message>
            <source>Export</source>
            <translation>Exportieren</translation>
        </message>
        <message>
            <source>CRM: {0}</source>
            <translation>CRM: {0}</translation>
        </message>
        <message>
            <source>CRM sync stopped: {0} (F7)</source>
            <translation>CRM-Abgleich gestoppt: {0} (F7)</translation>
        </message>
    </context>
    <context>
        <name>DetailsPage</name>
        <message>
            <source>Please fill in your name and a valid email</source>
            <translation>Bitte Namen und eine gültige E-Mail-Adresse eingeben</translation>
        </message>
        <message>
            <source>Is this you?</source>
            <translation>Sind Sie das?</translation>
        </message>
        <message>
            <source>Your details</source>
            <translation>Ihre Daten</translation>
        </message>
        <message>
            <source>First name</source>
            <translation>Vorname</translation>
        </message>
        <message>
            <source>Last name</source>
            <translation>Nachname</translation>
        </message>
        <message>
            <source>Email</source>
            <translation>E-Mail</translation>
        </message>
        <message>
            <source>Company</source>
            <translation>Firma</translation>
        </message>
        <message>
            <source>Job title</source>
            <translation>Position</translation>
        </message>
        <message>
            <source>Next</source>
            <translation>Weiter</translation>
        </message>
        <message>
            <source>Start over</source>
            <translation>Neu beginnen</translation>
        </message>
    </context>
    <context>
        <name>EventDetailsPage</name>
        <message>
            <source>Your event</source>
            <translation>Ihre Messe</translation>
        </message>
        <message>
            <source>Where and when is the show? Times of leads and follow-ups use this.</source>
            <translation>Wo und wann ist die Messe? Danach richten sich die Zeiten von Leads und Nachfassaktionen.</translation>
        </message>
        <message>
            <source>e.g. Hannover Messe 2027</source>
            <translation>z. B. Hannover Messe 2027</translation>
        </message>
        <message>
            <source>e.g. Hall 7, C42</source>
            <translation>z. B. Halle 7, C42</translation>
        </message>
        <message>
            <source>2-letter code, e.g. DE</source>
            <translation>2-stelliger Code, z. B. DE</translation>
        </message>
        <message>
            <source>Event name *</source>
            <translation>Name der Messe *</translation>
        </message>
        <message>
            <source>Venue</source>
            <translation>Veranstaltungsort</translation>
        </message>
        <message>
            <source>Booth</source>
            <translation>Stand</translation>
        </message>
        <message>
            <source>Country</source>
            <translation>Land</translation>
        </message>
        <message>
            <source>Time zone *</source>
            <translation>Zeitzone *</translation>
        </message>
        <message>
            <source>First day</source>
            <translation>Erster Tag</translation>
        </message>
        <message>
            <source>Last day</source>
            <translation>Letzter Tag</translation>
        </message>
    </context>
    <context>
        <name>EventSettingsPage</name>
        <message>
            <source>{0}: questions, scoring, rating, routing</source>
            <translation>{0}: Fragen, Punkte, Bewertung, Zuteilung</translation>
        </message>
        <message>
            <source>Edit and press Save (Ctrl+S). Changing a rule never rewrites answers already captured; use 'boothapp leads reroute' to route again.</source>
            <translation>Bearbeiten und Speichern drücken (Strg+S). Eine geänderte Regel schreibt erfasste Antworten nie um; neu zuteilen mit 'boothapp leads reroute'.</translation>
        </message>
        <message>
            <source>Form: questions, rating, reps</source>
            <translation>Formular: Fragen, Bewertung, Vertriebler</translation>
        </message>
        <message>
            <source>Everything (YAML)</source>
            <translation>Alles (YAML)</translation>
        </message>
        <message>
            <source>Check</source>
            <translation>Prüfen</translation>
        </message>
        <message>
            <source>Save (Ctrl+S)</source>
            <translation>Speichern (Strg+S)</translation>
        </message>
        <message>
            <source>Revert</source>
            <translation>Zurücksetzen</translation>
        </message>
        <message>
            <source>Event settings are for managers.
Ask a manager to sign in (Ctrl+L locks).</source>
            <translation>Die Messe-Einstellungen sind für Manager.
Bitten Sie einen Manager, sich anzumelden (Strg+L sperrt).</translation>
        </message>
        <message>
            <source>Unsaved event settings</source>
            <translation>Nicht gespeicherte Einstellungen</translation>
        </message>
        <message>
            <source>The event settings have unsaved changes.</source>
            <translation>Die Messe-Einstellungen haben ungespeicherte Änderungen.</translation>
        </message>
        <message>
            <source>Save</source>
            <translation>Speichern</translation>
        </message>
        <message>
            <source>Discard</source>
            <translation>Verwerfen</translation>
        </message>
        <message>
            <source>Stay here</source>
            <translation>Hier bleiben</translation>
        </message>
        <message>
            <source>Changed: Save (Ctrl+S) to keep it</source>
            <translation>Geändert: Speichern (Strg+S) zum Behalten</translation>
        </message>
        <message>
            <source>{0} problem(s): nothing saved</source>
            <translation>{0} Problem(e): nichts gespeichert</translation>
        </message>
        <message>
            <source>Looks good</source>
            <translation>Sieht gut aus</translation>
        </message>
        <message>
            <source>Not saved: {0}</source>
            <translation>Nicht gespeichert: {0}</translation>
        </message>
        <message>
            <source>Saved as revision {0}</source>
            <translation>Als Revision {0} gespeichert</translation>
        </message>
    </context>
    <context>
        <name>ExportDialog</name>
        <message>
            <source>CSV (Excel, any CRM)</source>
            <translation>CSV (Excel, jedes CRM)</translation>
        </message>
        <message>
            <source>Excel workbook (XLSX)</source>
            <translation>Excel-Arbeitsmappe (XLSX)</translation>
        </message>
        <message>
            <source>Post-show report (PDF)</source>
            <translation>Bericht nach der Messe (PDF)</translation>
        </message>
        <message>
            <source>Export — {0}</source>
            <translation>Export — {0}</translation>
        </message>
        <message>
            <source>Choose…</source>
            <translation>Auswählen…</translation>
        </message>
        <message>
            <source>Excel-friendly CSV (UTF-8 with BOM, accents show right)</source>
            <translation>Excel-taugliches CSV (UTF-8 mit BOM, Umlaute stimmen)</translation>
        </message>
        <message>
            <source>Comma ,</source>
            <translation>Komma ,</translation>
        </message>
        <message>
            <source>Semicolon ;</source>
            <translation>Semikolon ;</translation>
        </message>
        <message>
            <source>Tab</source>
            <translation>Tabulator</translation>
        </message>
        <message>
            <source>Pipe |</source>
            <translation>Senkrechter Strich |</translation>
        </message>
        <message>
            <source>Only sales-qualified leads</source>
            <translation>Nur vertriebsreife Leads</translation>
        </message>
        <message>
            <source>Only hot and warm leads</source>
            <translation>Nur heiße und warme Leads</translation>
        </message>
        <message>
            <source>Leave out leads marked 'please delete'</source>
            <translation>Leads mit „bitte löschen“ weglassen</translation>
        </message>
        <message>
            <source>Export</source>
            <translation>Exportieren</translation>
        </message>
        <message>
            <source>Open folder</source>
            <translation>Ordner öffnen</translation>
        </message>
        <message>
            <source>Cancel export</source>
            <translation>Export abbrechen</translation>
        </message>
        <message>
            <source>Close</source>
            <translation>Schließen</translation>
        </message>
        <message>
            <source>What</source>
            <translation>Was</translation>
        </message>
        <message>
            <source>File</source>
            <translation>Datei</translation>
        </message>
        <message>
            <source>CSV delimiter</source>
            <translation>CSV-Trennzeichen</translation>
        </message>
        <message>
            <source>Filter</source>
            <translation>Filter</translation>
        </message>
        <message>
            <source>Columns</source>
            <translation>Spalten</translation>
        </message>
        <message>
            <source>Export to</source>
            <translation>Exportieren nach</translation>
        </message>
        <message>
            <source>Cannot use that folder: {0}</source>
            <translation>Dieser Ordner geht nicht: {0}</translation>
        </message>
        <message>
            <source>Working…</source>
            <translation>Wird erstellt…</translation>
        </message>
        <message>
            <source>Report on {0} leads written to {1}</source>
            <translation>Bericht über {0} Leads in {1} geschrieben</translation>
        </message>
        <message>
            <source>Tick at least one column.</source>
            <translation>Mindestens eine Spalte ankreuzen.</translation>
        </message>
        <message>
            <source>{0} leads written to {1}</source>
            <translation>{0} Leads in {1} geschrieben</translation>
        </message>
        <message>
            <source>Cancelling…</source>
            <translation>Wird abgebrochen…</translation>
        </message>
        <message>
            <source>Export cancelled: no file written.</source>
            <translation>Export abgebrochen: keine Datei geschrieben.</translation>
        </message>
        <message>
            <source>Not exported: {0}</source>
            <translation>Nicht exportiert: {0}</translation>
        </message>
    </context>
    <context>
        <name>Faults</name>
        <message>
            <source>Something went wrong ({0}); what was saved is safe. Details: {1}</source>
            <translation>Etwas ist schiefgegangen ({0}); Gespeichertes ist sicher. Einzelheiten: {1}</translation>
        </message>
    </context>
    <context>
        <name>FollowUpOutputsBar</name>
        <message>
            <source>Calendar (.ics)…</source>
            <translation>Kalender (.ics)…</translation>
        </message>
        <message>
            <source>Print letters (PDF)…</source>
            <translation>Briefe drucken (PDF)…</translation>
        </message>
        <message>
            <source>Put the letters due by today, for every owner, into one PDF to print; they are marked printed and leave the queue ({0})</source>
            <translation>Alle bis heute fälligen Briefe aller Zuständigen in ein PDF zum Drucken; sie gelten als gedruckt und verlassen die Liste ({0})</translation>
        </message>
        <message>
            <source>Open</source>
            <translation>Öffnen</translation>
        </message>
        <message>
            <source>Show in folder</source>
            <translation>Im Ordner zeigen</translation>
        </message>
        <message>
            <source>Save {0}'s open calls and letters as a calendar file ({1})</source>
            <translation>Offene Anrufe und Briefe von {0} als Kalenderdatei speichern ({1})</translation>
        </message>
        <message>
            <source>Choose an owner first: a calendar is one person's follow-ups</source>
            <translation>Erst eine zuständige Person wählen: ein Kalender gilt für eine Person</translation>
        </message>
        <message>
            <source>Collecting {0}'s follow-ups…</source>
            <translation>Nachfassaktionen von {0} werden gesammelt…</translation>
        </message>
        <message>
            <source>{0} has no open calls or letters: no calendar to save.</source>
            <translation>{0} hat keine offenen Anrufe oder Briefe: kein Kalender zu speichern.</translation>
        </message>
        <message>
            <source>Calendar not saved: {0}</source>
            <translation>Kalender nicht gespeichert: {0}</translation>
        </message>
        <message>
            <source>Save {0}'s follow-up calendar</source>
            <translation>Nachfass-Kalender von {0} speichern</translation>
        </message>
        <message>
            <source>Calendar (*.ics)</source>
            <translation>Kalender (*.ics)</translation>
        </message>
        <message>
            <source>Saving {0}…</source>
            <translation>{0} wird gespeichert…</translation>
        </message>
        <message>
            <source>{0} for {1} saved to {2}</source>
            <translation>{0} für {1} in {2} gespeichert</translation>
        </message>
        <message>
            <source>Looking for letters due…</source>
            <translation>Fällige Briefe werden gesucht…</translation>
        </message>
        <message>
            <source>Letters not printed: {0}</source>
            <translation>Briefe nicht gedruckt: {0}</translation>
        </message>
        <message>
            <source>No letters due by today ({0}): nothing to print.</source>
            <translation>Bis heute ({0}) keine Briefe fällig: nichts zu drucken.</translation>
        </message>
        <message>
            <source>Save {0} as PDF</source>
            <translation>{0} als PDF speichern</translation>
        </message>
        <message>
            <source>PDF (*.pdf)</source>
            <translation>PDF (*.pdf)</translation>
        </message>
        <message>
            <source>Printing {0} to {1}…</source>
            <translation>{0} werden in {1} gedruckt…</translation>
        </message>
        <message>
            <source>Letters not printed: {0}; they stay in the queue.</source>
            <translation>Briefe nicht gedruckt: {0}; sie bleiben in der Liste.</translation>
        </message>
        <message>
            <source>{0} saved to {1}, marked printed</source>
            <translation>{0} in {1} gespeichert, als gedruckt markiert</translation>
        </message>
    </context>
    <context>
        <name>FollowUpQueuePage</name>
        <message>
            <source>Everyone</source>
            <translation>Alle</translation>
        </message>
        <message>
            <source>Refresh</source>
            <translation>Aktualisieren</translation>
        </message>
        <message>
            <source>Send email</source>
            <translation>E-Mail senden</translation>
        </message>
        <message>
            <source>It was sent</source>
            <translation>Wurde gesendet</translation>
        </message>
        <message>
            <source>Not sent: send again</source>
            <translation>Nicht gesendet: erneut senden</translation>
        </message>
        <message>
            <source>Owner</source>
            <translation>Zuständig</translation>
        </message>
        <message>
            <source>{0} (the visitor's own where it differs)</source>
            <translation>{0} (Ortszeit des Besuchers, wo abweichend)</translation>
        </message>
        <message>
            <source>Loading…</source>
            <translation>Wird geladen…</translation>
        </message>
        <message numerus="yes">
            <source>%Ln due</source>
            <translation>
                <numerusform>%Ln fällig</numerusform>
                <numerusform>%Ln fällig</numerusform>
            </translation>
        </message>
        <message>
            <source>{0}, {1} overdue</source>
            <translation>{0}, {1} überfällig</translation>
        </message>
        <message>
            <source>Nothing due. Well done.</source>
            <translation>Nichts fällig. Gut gemacht.</translation>
        </message>
        <message>
            <source>{0} #{1} · {2}</source>
            <translation>{0} Nr. {1} · {2}</translation>
        </message>
        <message>
            <source>Set up the SMTP server in the event settings first</source>
            <translation>Zuerst den SMTP-Server in den Messe-Einstellungen einrichten</translation>
        </message>
        <message>
            <source>Saving {0}…</source>
            <translation>{0} wird gespeichert…</translation>
        </message>
        <message>
            <source>Saving…</source>
            <translation>Wird gespeichert…</translation>
        </message>
        <message>
            <source>Marked sent</source>
            <translation>Als gesendet markiert</translation>
        </message>
        <message>
            <source>Will be sent again</source>
            <translation>Wird erneut gesendet</translation>
        </message>
        <message>
            <source>Not sent: the mail password is needed</source>
            <translation>Nicht gesendet: Das Mail-Passwort fehlt</translation>
        </message>
        <message>
            <source>Sending…</source>
            <translation>Wird gesendet…</translation>
        </message>
        <message>
            <source>Sent</source>
            <translation>Gesendet</translation>
        </message>
        <message>
            <source>Not sent now: outside the lead's sending window or already mailed today; moved to their next slot</source>
            <translation>Jetzt nicht gesendet: außerhalb des Sendefensters oder heute schon angeschrieben; auf den nächsten Termin verschoben</translation>
        </message>
        <message>
            <source>Not sent: {0}</source>
            <translation>Nicht gesendet: {0}</translation>
        </message>
        <message>
            <source>Not sent: no marketing consent or address</source>
            <translation>Nicht gesendet: keine Werbeeinwilligung oder Adresse</translation>
        </message>
        <message>
            <source>Failed: {0}</source>
            <translation>Fehlgeschlagen: {0}</translation>
        </message>
    </context>
    <context>
        <name>FollowUps</name>
        <message>
            <source>{0} ({1} in {2})</source>
            <translation>{0} ({1} Ortszeit {2})</translation>
        </message>
        <message>
            <source>CHECK SENT FOLDER · </source>
            <translation>GESENDET-ORDNER PRÜFEN · </translation>
        </message>
        <message>
            <source>OVERDUE · </source>
            <translation>ÜBERFÄLLIG · </translation>
        </message>
        <message>
            <source>Language</source>
            <translation>Sprache</translation>
        </message>
        <message>
            <source>No further touches: {0}</source>
            <translation>Keine weiteren Kontakte: {0}</translation>
        </message>
        <message>
            <source>Next: {0} {1} · {2}</source>
            <translation>Nächster: {0} {1} · {2}</translation>
        </message>
        <message>
            <source>Email</source>
            <translation>E-Mail</translation>
        </message>
        <message>
            <source>Call</source>
            <translation>Anruf</translation>
        </message>
        <message>
            <source>Letter</source>
            <translation>Brief</translation>
        </message>
        <message>
            <source>CRM task</source>
            <translation>CRM-Aufgabe</translation>
        </message>
        <message>
            <source>Reached</source>
            <translation>Erreicht</translation>
        </message>
        <message>
            <source>Voicemail</source>
            <translation>Mailbox</translation>
        </message>
        <message>
            <source>No answer</source>
            <translation>Keine Antwort</translation>
        </message>
        <message>
            <source>Not interested</source>
            <translation>Kein Interesse</translation>
        </message>
        <message>
            <source>Meeting booked</source>
            <translation>Termin vereinbart</translation>
        </message>
        <message>
            <source>Wrong number</source>
            <translation>Falsche Nummer</translation>
        </message>
    </context>
    <context>
        <name>FollowupOutputsBar</name>
        <message>
            <source>{0} - {1} follow-ups</source>
            <translation>{0} - Nachfassen {1}</translation>
        </message>
        <message>
            <source>{0} - letters {1}</source>
            <translation>{0} - Briefe {1}</translation>
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
            <translation>Mail-Passwort</translation>
        </message>
        <message>
            <source>Password for {0}
(kept in the system keyring, asked once):</source>
            <translation>Passwort für {0}
(im Schlüsselbund gespeichert, nur einmal abgefragt):</translation>
        </message>
    </context>
    <context>
        <name>HubFooter</name>
        <message>
            <source>Hub: connecting…</source>
            <translation>Hub: verbinde…</translation>
        </message>
        <message>
            <source>Hub refused this kiosk</source>
            <translation>Hub hat diesen Kiosk abgelehnt</translation>
        </message>
        <message numerus="yes">
            <source>%n waiting</source>
            <translation>
                <numerusform>%n wartet</numerusform>
                <numerusform>%n warten</numerusform>
            </translation>
        </message>
        <message>
            <source>all shared</source>
            <translation>alles geteilt</translation>
        </message>
        <message>
            <source>Hub's certificate not accepted (TLS) · {waiting}</source>
            <translation>Zertifikat des Hubs nicht akzeptiert (TLS) · {waiting}</translation>
        </message>
        <message>
            <source>Hub needs an upgrade (boothapp hub init) · {waiting}</source>
            <translation>Hub muss aktualisiert werden (boothapp hub init) · {waiting}</translation>
        </message>
        <message>
            <source>Hub error · {waiting}</source>
            <translation>Hub-Fehler · {waiting}</translation>
        </message>
        <message>
            <source>Hub online · all shared</source>
            <translation>Hub online · alles geteilt</translation>
        </message>
        <message>
            <source>Hub offline · all shared</source>
            <translation>Hub offline · alles geteilt</translation>
        </message>
        <message numerus="yes">
            <source>Hub online · %n waiting</source>
            <translation>
                <numerusform>Hub online · %n wartet</numerusform>
                <numerusform>Hub online · %n warten</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Hub offline · %n waiting</source>
            <translation>
                <numerusform>Hub offline · %n wartet</numerusform>
                <numerusform>Hub offline · %n warten</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>KioskWindow</name>
        <message>
            <source>{0} — BoothApp kiosk</source>
            <translation>{0} — BoothApp-Kiosk</translation>
        </message>
        <message>
            <source>Too many wrong PINs. Try again in {s} s</source>
            <translation>Zu viele falsche PINs. In {s} s erneut versuchen</translation>
        </message>
        <message>
            <source>Still there? Starting over in {s} s — touch to continue</source>
            <translation>Noch da? Neustart in {s} s — zum Weitermachen tippen</translation>
        </message>
        <message>
            <source>Sorry, that did not work. Please ask our staff.</source>
            <translation>Das hat leider nicht geklappt. Bitte fragen Sie unser Standpersonal.</translation>
        </message>
    </context>
    <context>
        <name>LeadDetail</name>
        <message>
            <source>Please delete</source>
            <translation>Bitte löschen</translation>
        </message>
        <message>
            <source>Stage</source>
            <translation>Phase</translation>
        </message>
        <message>
            <source>Notes</source>
            <translation>Notizen</translation>
        </message>
        <message>
            <source>Rating</source>
            <translation>Bewertung</translation>
        </message>
        <message>
            <source>Answers</source>
            <translation>Antworten</translation>
        </message>
        <message>
            <source>Owner</source>
            <translation>Zuständig</translation>
        </message>
        <message>
            <source>someone</source>
            <translation>jemand</translation>
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
            <translation>ja</translation>
        </message>
        <message>
            <source>no</source>
            <translation>nein</translation>
        </message>
        <message>
            <source>(empty)</source>
            <translation>(leer)</translation>
        </message>
        <message>
            <source>none planned</source>
            <translation>nichts geplant</translation>
        </message>
        <message>
            <source>Next: {0} {1} {2}</source>
            <translation>Nächster: {0} {1} {2}</translation>
        </message>
        <message>
            <source>No open touches</source>
            <translation>Keine offenen Kontakte</translation>
        </message>
        <message>
            <source>{0} done</source>
            <translation>{0} erledigt</translation>
        </message>
        <message>
            <source>{0} open</source>
            <translation>{0} offen</translation>
        </message>
        <message>
            <source>{0} need attention (bounced or interrupted)</source>
            <translation>{0} brauchen Aufmerksamkeit (zurückgewiesen oder unterbrochen)</translation>
        </message>
        <message>
            <source>last: {0}</source>
            <translation>zuletzt: {0}</translation>
        </message>
    </context>
    <context>
        <name>LeadDetailPanel</name>
        <message>
            <source>Select a lead</source>
            <translation>Lead auswählen</translation>
        </message>
        <message>
            <source>Add a note (kept with your name and the time)</source>
            <translation>Notiz hinzufügen (mit Ihrem Namen und der Uhrzeit gespeichert)</translation>
        </message>
        <message>
            <source>(routing decides)</source>
            <translation>(die Zuteilung entscheidet)</translation>
        </message>
        <message>
            <source>Managers change the owner; routing chose it at capture</source>
            <translation>Die Zuständigkeit ändern Manager; beim Erfassen hat die Zuteilung gewählt</translation>
        </message>
        <message>
            <source>Save changes (Ctrl+S)</source>
            <translation>Änderungen speichern (Strg+S)</translation>
        </message>
        <message>
            <source>Please delete</source>
            <translation>Bitte löschen</translation>
        </message>
        <message>
            <source>Junk or test entry: an administrator reviews flagged leads; nothing is deleted now</source>
            <translation>Unsinn oder Testeintrag: Ein Administrator prüft markierte Leads; jetzt wird nichts gelöscht</translation>
        </message>
        <message>
            <source>none planned</source>
            <translation>nichts geplant</translation>
        </message>
        <message>
            <source>Close (Esc)</source>
            <translation>Schließen (Esc)</translation>
        </message>
        <message>
            <source>Lead sheet (PDF)…</source>
            <translation>Lead-Blatt (PDF)…</translation>
        </message>
        <message>
            <source>One page for the rep who takes this lead over</source>
            <translation>Eine Seite für den Vertriebler, der diesen Lead übernimmt</translation>
        </message>
        <message>
            <source>Rating</source>
            <translation>Bewertung</translation>
        </message>
        <message>
            <source>Owner</source>
            <translation>Zuständig</translation>
        </message>
        <message>
            <source>Stage</source>
            <translation>Phase</translation>
        </message>
        <message>
            <source>Follow-ups</source>
            <translation>Nachfassen</translation>
        </message>
        <message>
            <source>Sync</source>
            <translation>Abgleich</translation>
        </message>
        <message>
            <source>Contact</source>
            <translation>Kontakt</translation>
        </message>
        <message>
            <source>Answers</source>
            <translation>Antworten</translation>
        </message>
        <message>
            <source>Notes</source>
            <translation>Notizen</translation>
        </message>
        <message>
            <source>Pipeline</source>
            <translation>Pipeline</translation>
        </message>
        <message>
            <source>History</source>
            <translation>Verlauf</translation>
        </message>
        <message>
            <source>Loading…</source>
            <translation>Wird geladen…</translation>
        </message>
        <message>
            <source>Could not load follow-ups: {0}</source>
            <translation>Nachfassaktionen nicht geladen: {0}</translation>
        </message>
        <message>
            <source>Could not open the lead: {0}</source>
            <translation>Lead konnte nicht geöffnet werden: {0}</translation>
        </message>
        <message>
            <source> by {0}</source>
            <translation> von {0}</translation>
        </message>
        <message>
            <source>{0} · score {1} · captured {2}{3}</source>
            <translation>{0} · Punkte {1} · erfasst {2}{3}</translation>
        </message>
        <message>
            <source>(none)</source>
            <translation>(keine)</translation>
        </message>
        <message>
            <source>No edits yet</source>
            <translation>Noch keine Änderungen</translation>
        </message>
        <message>
            <source>a colleague</source>
            <translation>jemandem aus dem Team</translation>
        </message>
        <message>
            <source>Captured by {who}: only they or a manager edit it</source>
            <translation>Erfasst von {who}: Ändern dürfen nur diese Person oder ein Manager</translation>
        </message>
        <message>
            <source>Nothing changed</source>
            <translation>Nichts geändert</translation>
        </message>
        <message>
            <source>Saving…</source>
            <translation>Wird gespeichert…</translation>
        </message>
        <message>
            <source>Saved</source>
            <translation>Gespeichert</translation>
        </message>
        <message>
            <source>Not saved: {0}</source>
            <translation>Nicht gespeichert: {0}</translation>
        </message>
    </context>
    <context>
        <name>LeadForm</name>
        <message>
            <source>Notes — Enter saves · Shift+Enter or Ctrl+Enter: new line</source>
            <translation>Notizen — Enter speichert · Umschalt+Enter oder Strg+Enter: neue Zeile</translation>
        </message>
        <message>
            <source>Discard what you typed? Esc again discards; keep typing to stay.</source>
            <translation>Eingaben verwerfen? Nochmals Esc verwirft; weitertippen, um zu bleiben.</translation>
        </message>
        <message>
            <source>New lead</source>
            <translation>Neuer Lead</translation>
        </message>
        <message>
            <source>Referred by (name or company)</source>
            <translation>Empfohlen von (Name oder Firma)</translation>
        </message>
        <message>
            <source>Cancel (Esc)</source>
            <translation>Abbrechen (Esc)</translation>
        </message>
        <message>
            <source>Save (Enter)</source>
            <translation>Speichern (Enter)</translation>
        </message>
        <message>
            <source>Walk-in visitor</source>
            <translation>Besucher ohne Badge</translation>
        </message>
        <message>
            <source>Badge scanned</source>
            <translation>Badge gescannt</translation>
        </message>
        <message>
            <source>qualified for sales</source>
            <translation>vertriebsreif</translation>
        </message>
        <message>
            <source>nurture</source>
            <translation>weiter pflegen</translation>
        </message>
        <message>
            <source> (your rating)</source>
            <translation> (Ihre Bewertung)</translation>
        </message>
        <message>
            <source>Score {0} → suggested {1}{2}; {3}</source>
            <translation>Punkte {0} → Vorschlag {1}{2}; {3}</translation>
        </message>
        <message>
            <source>Please answer: </source>
            <translation>Bitte beantworten: </translation>
        </message>
        <message>
            <source>Email: {0}</source>
            <translation>E-Mail: {0}</translation>
        </message>
        <message>
            <source>Not saved: {0}</source>
            <translation>Nicht gespeichert: {0}</translation>
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
            <translation>Firma</translation>
        </message>
        <message>
            <source>Rating</source>
            <translation>Bewertung</translation>
        </message>
        <message>
            <source>Stage</source>
            <translation>Phase</translation>
        </message>
        <message>
            <source>Staff</source>
            <translation>Personal</translation>
        </message>
        <message>
            <source>Captured</source>
            <translation>Erfasst</translation>
        </message>
        <message>
            <source>Sync</source>
            <translation>Abgleich</translation>
        </message>
        <message>
            <source>Hot</source>
            <translation>Heiß</translation>
        </message>
        <message>
            <source>Warm</source>
            <translation>Warm</translation>
        </message>
        <message>
            <source>Cold</source>
            <translation>Kalt</translation>
        </message>
        <message>
            <source>To contact</source>
            <translation>Zu kontaktieren</translation>
        </message>
        <message>
            <source>In contact</source>
            <translation>In Kontakt</translation>
        </message>
        <message>
            <source>Follow-up</source>
            <translation>Nachfassen</translation>
        </message>
        <message>
            <source>Quote to prepare</source>
            <translation>Angebot erstellen</translation>
        </message>
        <message>
            <source>Quote sent</source>
            <translation>Angebot verschickt</translation>
        </message>
        <message>
            <source>Won</source>
            <translation>Gewonnen</translation>
        </message>
        <message>
            <source>Not interested</source>
            <translation>Kein Interesse</translation>
        </message>
        <message>
            <source>Not queued</source>
            <translation>Nicht eingereiht</translation>
        </message>
        <message>
            <source>Pending</source>
            <translation>Ausstehend</translation>
        </message>
        <message>
            <source>Synced</source>
            <translation>Abgeglichen</translation>
        </message>
        <message>
            <source>Failed</source>
            <translation>Fehlgeschlagen</translation>
        </message>
        <message>
            <source>{0}  (please delete)</source>
            <translation>{0}  (bitte löschen)</translation>
        </message>
    </context>
    <context>
        <name>LeadsPage</name>
        <message>
            <source>Searching…</source>
            <translation>Suche…</translation>
        </message>
        <message>
            <source>Search name, company, e-mail, notes   (Ctrl+F)</source>
            <translation>Name, Firma, E-Mail, Notizen suchen   (Strg+F)</translation>
        </message>
        <message>
            <source>Rating</source>
            <translation>Bewertung</translation>
        </message>
        <message>
            <source>Staff</source>
            <translation>Personal</translation>
        </message>
        <message>
            <source>Day</source>
            <translation>Tag</translation>
        </message>
        <message>
            <source>Stage</source>
            <translation>Phase</translation>
        </message>
        <message>
            <source>Sync</source>
            <translation>Abgleich</translation>
        </message>
        <message>
            <source>Only “please delete”</source>
            <translation>Nur „bitte löschen“</translation>
        </message>
        <message>
            <source>Could not load: {0}</source>
            <translation>Laden fehlgeschlagen: {0}</translation>
        </message>
        <message>
            <source>{0}: any</source>
            <translation>{0}: alle</translation>
        </message>
    </context>
    <context>
        <name>MailHeaders</name>
        <message>
            <source>From</source>
            <translation>Von</translation>
        </message>
        <message>
            <source>To</source>
            <translation>An</translation>
        </message>
        <message>
            <source>Subject</source>
            <translation>Betreff</translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <source>Ready</source>
            <translation>Bereit</translation>
        </message>
        <message>
            <source>Quit</source>
            <translation>Beenden</translation>
        </message>
    </context>
    <context>
        <name>ManagerPinDialog</name>
        <message>
            <source>Manager PIN</source>
            <translation>Manager-PIN</translation>
        </message>
        <message>
            <source>{action} is for a manager: manager PIN</source>
            <translation>{action} ist Sache eines Managers: Manager-PIN eingeben</translation>
        </message>
        <message>
            <source>Checking…</source>
            <translation>Wird geprüft…</translation>
        </message>
        <message>
            <source>Too many wrong PINs: wait {s} s</source>
            <translation>Zu viele falsche PINs: {s} s warten</translation>
        </message>
        <message>
            <source>Not a manager's PIN ({n} tries left)</source>
            <translation>Keine Manager-PIN (noch {n} Versuche)</translation>
        </message>
    </context>
    <context>
        <name>Navigation</name>
        <message>
            <source>Sign in</source>
            <translation>Anmelden</translation>
        </message>
        <message>
            <source>Scan</source>
            <translation>Scannen</translation>
        </message>
        <message>
            <source>Leads</source>
            <translation>Leads</translation>
        </message>
        <message>
            <source>Dashboard</source>
            <translation>Übersicht</translation>
        </message>
        <message>
            <source>Follow-ups</source>
            <translation>Nachfassen</translation>
        </message>
        <message>
            <source>CRM sync</source>
            <translation>CRM-Abgleich</translation>
        </message>
        <message>
            <source>Event settings</source>
            <translation>Einstellungen</translation>
        </message>
        <message>
            <source>Results</source>
            <translation>Ergebnisse</translation>
        </message>
        <message>
            <source>Deletion requests</source>
            <translation>Zu löschen</translation>
        </message>
        <message>
            <source>Audit log</source>
            <translation>Audit-Protokoll</translation>
        </message>
    </context>
    <context>
        <name>OnScreenKeyboard</name>
        <message>
            <source>Latin letters</source>
            <translation>Lateinische Buchstaben</translation>
        </message>
    </context>
    <context>
        <name>PinPad</name>
        <message>
            <source>Wrong PIN</source>
            <translation>Falsche PIN</translation>
        </message>
        <message>
            <source>Staff PIN</source>
            <translation>Personal-PIN</translation>
        </message>
        <message>
            <source>Backspace</source>
            <translation>Rücktaste</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>Abbrechen</translation>
        </message>
        <message>
            <source>OK</source>
            <translation>OK</translation>
        </message>
        <message>
            <source>Enter</source>
            <translation>Bestätigen</translation>
        </message>
    </context>
    <context>
        <name>QLineEdit</name>
        <message>
            <source>&amp;Undo</source>
            <translation>&amp;Rückgängig</translation>
        </message>
        <message>
            <source>&amp;Redo</source>
            <translation>Wieder&amp;herstellen</translation>
        </message>
        <message>
            <source>Cu&amp;t</source>
            <translation>&amp;Ausschneiden</translation>
        </message>
        <message>
            <source>&amp;Copy</source>
            <translation>&amp;Kopieren</translation>
        </message>
        <message>
            <source>&amp;Paste</source>
            <translation>Einf&amp;ügen</translation>
        </message>
        <message>
            <source>Delete</source>
            <translation>Löschen</translation>
        </message>
        <message>
            <source>Select All</source>
            <translation>Alles auswählen</translation>
        </message>
    </context>
    <context>
        <name>QMessageBox</name>
        <message>
            <source>Show Details...</source>
            <translation>Details einblenden...</translation>
        </message>
        <message>
            <source>Hide Details...</source>
            <translation>Details ausblenden...</translation>
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
            <translation>Speichern</translation>
        </message>
        <message>
            <source>Open</source>
            <translation>Öffnen</translation>
        </message>
        <message>
            <source>&amp;Yes</source>
            <translation>&amp;Ja</translation>
        </message>
        <message>
            <source>&amp;No</source>
            <translation>&amp;Nein</translation>
        </message>
        <message>
            <source>Close</source>
            <translation>Schließen</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>Abbrechen</translation>
        </message>
        <message>
            <source>Discard</source>
            <translation>Verwerfen</translation>
        </message>
        <message>
            <source>Apply</source>
            <translation>Anwenden</translation>
        </message>
        <message>
            <source>Reset</source>
            <translation>Zurücksetzen</translation>
        </message>
        <message>
            <source>Retry</source>
            <translation>Wiederholen</translation>
        </message>
        <message>
            <source>Ignore</source>
            <translation>Ignorieren</translation>
        </message>
        <message>
            <source>Abort</source>
            <translation>Abbrechen</translation>
        </message>
        <message>
            <source>Help</source>
            <translation>Hilfe</translation>
        </message>
    </context>
    <context>
        <name>QWidgetTextControl</name>
        <message>
            <source>&amp;Undo</source>
            <translation>&amp;Rückgängig</translation>
        </message>
        <message>
            <source>&amp;Redo</source>
            <translation>Wieder&amp;herstellen</translation>
        </message>
        <message>
            <source>Cu&amp;t</source>
            <translation>&amp;Ausschneiden</translation>
        </message>
        <message>
            <source>&amp;Copy</source>
            <translation>&amp;Kopieren</translation>
        </message>
        <message>
            <source>Copy &amp;Link Location</source>
            <translation>&amp;Link-Adresse kopieren</translation>
        </message>
        <message>
            <source>&amp;Paste</source>
            <translation>Einf&amp;ügen</translation>
        </message>
        <message>
            <source>Delete</source>
            <translation>Löschen</translation>
        </message>
        <message>
            <source>Select All</source>
            <translation>Alles auswählen</translation>
        </message>
    </context>
    <context>
        <name>QWizard</name>
        <message>
            <source>&lt; &amp;Back</source>
            <translation>&lt; &amp;Zurück</translation>
        </message>
        <message>
            <source>&amp;Next &gt;</source>
            <translation>&amp;Weiter &gt;</translation>
        </message>
        <message>
            <source>&amp;Finish</source>
            <translation>Ab&amp;schließen</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>Abbrechen</translation>
        </message>
        <message>
            <source>&amp;Help</source>
            <translation>&amp;Hilfe</translation>
        </message>
    </context>
    <context>
        <name>QuestionInput</name>
        <message>
            <source>Key {0}</source>
            <translation>Taste {0}</translation>
        </message>
    </context>
    <context>
        <name>QuestionsPage</name>
        <message>
            <source>What interests you?</source>
            <translation>Was interessiert Sie?</translation>
        </message>
        <message>
            <source>Back</source>
            <translation>Zurück</translation>
        </message>
        <message>
            <source>Next</source>
            <translation>Weiter</translation>
        </message>
    </context>
    <context>
        <name>RecoveryKeyPage</name>
        <message>
            <source>Recovery key</source>
            <translation>Wiederherstellungsschlüssel</translation>
        </message>
        <message>
            <source>The lead database is encrypted. Print this key or write it down and keep it away from this laptop: it opens the database on another computer.</source>
            <translation>Die Lead-Datenbank ist verschlüsselt. Diesen Schlüssel ausdrucken oder aufschreiben und getrennt von diesem Laptop aufbewahren: Damit lässt sich die Datenbank auf einem anderen Computer öffnen.</translation>
        </message>
        <message>
            <source>On this computer the key is kept in %1.</source>
            <translation>Auf diesem Computer liegt der Schlüssel in %1.</translation>
        </message>
        <message>
            <source>No system keyring was found: the key sits in a file beside the database, so the encryption protects a copy of the database, not this folder.</source>
            <translation>Kein Schlüsselbund im System gefunden: Der Schlüssel liegt in einer Datei neben der Datenbank. Die Verschlüsselung schützt also eine Kopie der Datenbank, nicht diesen Ordner.</translation>
        </message>
        <message>
            <source>Copy</source>
            <translation>Kopieren</translation>
        </message>
        <message>
            <source>Print…</source>
            <translation>Drucken…</translation>
        </message>
        <message>
            <source>I have printed or written down the recovery key</source>
            <translation>Ich habe den Wiederherstellungsschlüssel ausgedruckt oder aufgeschrieben</translation>
        </message>
        <message>
            <source>BoothApp database recovery key</source>
            <translation>Wiederherstellungsschlüssel der BoothApp-Datenbank</translation>
        </message>
        <message>
            <source>Type it into “boothapp db restore-key” on another computer.</source>
            <translation>Auf einem anderen Computer bei „boothapp db restore-key“ eingeben.</translation>
        </message>
    </context>
    <context>
        <name>RestoreKeyDialog</name>
        <message>
            <source>Database key needed</source>
            <translation>Datenbankschlüssel benötigt</translation>
        </message>
        <message>
            <source>This computer has no key for the encrypted lead database. Type the recovery key the manager printed at set-up (or see “boothapp db recovery-key” on the laptop that made it).</source>
            <translation>Auf diesem Computer fehlt der Schlüssel zur verschlüsselten Lead-Datenbank. Den Wiederherstellungsschlüssel eingeben, den der Manager bei der Einrichtung ausgedruckt hat (oder auf dem Laptop, der sie angelegt hat, „boothapp db recovery-key“ aufrufen).</translation>
        </message>
        <message>
            <source>Recovery key</source>
            <translation>Wiederherstellungsschlüssel</translation>
        </message>
        <message>
            <source>Open database</source>
            <translation>Datenbank öffnen</translation>
        </message>
    </context>
    <context>
        <name>ResultsPage</name>
        <message>
            <source>Results: {0}</source>
            <translation>Ergebnisse: {0}</translation>
        </message>
        <message>
            <source>Refresh</source>
            <translation>Aktualisieren</translation>
        </message>
        <message>
            <source>Pull deals from CRM</source>
            <translation>Deals aus dem CRM holen</translation>
        </message>
        <message>
            <source>Compare with… (none)</source>
            <translation>Vergleichen mit… (keiner)</translation>
        </message>
        <message>
            <source>Open this page (F8) or press Refresh to work out the results.</source>
            <translation>Seite öffnen (F8) oder Aktualisieren drücken, um die Ergebnisse zu berechnen.</translation>
        </message>
        <message>
            <source>Working out the results…</source>
            <translation>Ergebnisse werden berechnet…</translation>
        </message>
        <message>
            <source>Reading deals back from the CRM…</source>
            <translation>Deals werden aus dem CRM gelesen…</translation>
        </message>
        <message>
            <source>Results not available: {0}</source>
            <translation>Ergebnisse nicht verfügbar: {0}</translation>
        </message>
        <message>
            <source>(nobody)</source>
            <translation>(niemand)</translation>
        </message>
        <message>
            <source>From {0} leads, their follow-ups and the deals pulled back from the CRM · as of {1}</source>
            <translation>Aus {0} Leads, ihren Nachfassaktionen und den Deals aus dem CRM · Stand {1}</translation>
        </message>
        <message>
            <source>Compare with {0}</source>
            <translation>Mit {0} vergleichen</translation>
        </message>
        <message>
            <source>Headline</source>
            <translation>Auf einen Blick</translation>
        </message>
        <message>
            <source>Figure</source>
            <translation>Kennzahl</translation>
        </message>
        <message>
            <source>Value</source>
            <translation>Wert</translation>
        </message>
        <message>
            <source>Side by side with {0}</source>
            <translation>Im Vergleich mit {0}</translation>
        </message>
        <message>
            <source>Funnel</source>
            <translation>Trichter</translation>
        </message>
        <message>
            <source>Money</source>
            <translation>Umsatz</translation>
        </message>
        <message>
            <source>Currency</source>
            <translation>Währung</translation>
        </message>
        <message>
            <source>Pipeline</source>
            <translation>Pipeline</translation>
        </message>
        <message>
            <source>Won</source>
            <translation>Gewonnen</translation>
        </message>
        <message>
            <source>Open</source>
            <translation>Öffnen</translation>
        </message>
        <message>
            <source>Lost</source>
            <translation>Verloren</translation>
        </message>
        <message>
            <source>Won/open/lost</source>
            <translation>Gewonnen/offen/verloren</translation>
        </message>
        <message>
            <source>No deals yet: “Pull deals from CRM” brings them back.</source>
            <translation>Noch keine Deals: „Deals aus dem CRM holen“ bringt sie zurück.</translation>
        </message>
        <message>
            <source>Speed to lead</source>
            <translation>Reaktionsgeschwindigkeit</translation>
        </message>
        <message>
            <source>First contact</source>
            <translation>Erstkontakt</translation>
        </message>
        <message>
            <source>Leads</source>
            <translation>Leads</translation>
        </message>
        <message>
            <source>Meeting</source>
            <translation>Termin</translation>
        </message>
        <message>
            <source>95 % interval</source>
            <translation>95-%-Intervall</translation>
        </message>
        <message>
            <source>Did 'hot' predict won? By rating</source>
            <translation>Hat „heiß“ den Abschluss vorhergesagt? Nach Bewertung</translation>
        </message>
        <message>
            <source>Rating</source>
            <translation>Bewertung</translation>
        </message>
        <message>
            <source>By rep</source>
            <translation>Nach Vertriebler</translation>
        </message>
        <message>
            <source>Rep</source>
            <translation>Vertriebler</translation>
        </message>
        <message>
            <source>First touch that got an answer</source>
            <translation>Erster Kontakt mit Antwort</translation>
        </message>
        <message>
            <source>Weekday</source>
            <translation>Wochentag</translation>
        </message>
        <message>
            <source>First touches</source>
            <translation>Erstkontakte</translation>
        </message>
        <message>
            <source>Answered</source>
            <translation>Beantwortet</translation>
        </message>
        <message>
            <source>Rate</source>
            <translation>Quote</translation>
        </message>
        <message>
            <source>Where leads sit now</source>
            <translation>Wo die Leads jetzt stehen</translation>
        </message>
        <message>
            <source>Stage</source>
            <translation>Phase</translation>
        </message>
        <message>
            <source>Median days</source>
            <translation>Median Tage</translation>
        </message>
        <message>
            <source>Longest</source>
            <translation>Am längsten</translation>
        </message>
    </context>
    <context>
        <name>RosterImportDialog</name>
        <message>
            <source>Badge / registration id</source>
            <translation>Badge-/Registrierungsnummer</translation>
        </message>
        <message>
            <source>Token</source>
            <translation>Token</translation>
        </message>
        <message>
            <source>First name</source>
            <translation>Vorname</translation>
        </message>
        <message>
            <source>Last name</source>
            <translation>Nachname</translation>
        </message>
        <message>
            <source>Full name</source>
            <translation>Vollständiger Name</translation>
        </message>
        <message>
            <source>Email</source>
            <translation>E-Mail</translation>
        </message>
        <message>
            <source>Company</source>
            <translation>Firma</translation>
        </message>
        <message>
            <source>Job title</source>
            <translation>Position</translation>
        </message>
        <message>
            <source>Phone</source>
            <translation>Telefon</translation>
        </message>
        <message>
            <source>Country</source>
            <translation>Land</translation>
        </message>
        <message>
            <source>City</source>
            <translation>Stadt</translation>
        </message>
        <message>
            <source>Website / LinkedIn</source>
            <translation>Website / LinkedIn</translation>
        </message>
        <message>
            <source>Registration type</source>
            <translation>Registrierungsart</translation>
        </message>
        <message>
            <source>(not in the file)</source>
            <translation>(nicht in der Datei)</translation>
        </message>
        <message>
            <source>Import the roster — {0}</source>
            <translation>Teilnehmerliste importieren — {0}</translation>
        </message>
        <message>
            <source>The organiser's attendee list (CSV or Excel) lets id-only badges show the visitor's name and company offline.</source>
            <translation>Mit der Teilnehmerliste des Veranstalters (CSV oder Excel) zeigen auch Badges mit nur einer Nummer offline Namen und Firma.</translation>
        </message>
        <message>
            <source>No file chosen</source>
            <translation>Keine Datei gewählt</translation>
        </message>
        <message>
            <source>Choose file…</source>
            <translation>Datei wählen…</translation>
        </message>
        <message>
            <source>Import</source>
            <translation>Importieren</translation>
        </message>
        <message>
            <source>Close</source>
            <translation>Schließen</translation>
        </message>
        <message>
            <source>Roster file</source>
            <translation>Teilnehmerdatei</translation>
        </message>
        <message>
            <source>Rosters (*.csv *.txt *.xlsx *.xls *.ods);;All files (*)</source>
            <translation>Listen (*.csv *.txt *.xlsx *.xls *.ods);;Alle Dateien (*)</translation>
        </message>
        <message>
            <source>Reading…</source>
            <translation>Wird gelesen…</translation>
        </message>
        <message>
            <source>ready to import</source>
            <translation>bereit zum Import</translation>
        </message>
        <message>
            <source>read</source>
            <translation>gelesen</translation>
        </message>
        <message>
            <source>, delimiter {0!r}</source>
            <translation>, Trennzeichen {0!r}</translation>
        </message>
        <message>
            <source>{0} attendees {1}, {2} rows rejected (encoding {3}{4}).</source>
            <translation>{0} Teilnehmer {1}, {2} Zeilen abgelehnt (Kodierung {3}{4}).</translation>
        </message>
        <message>
            <source>{0} attendees added, {1} updated, {2} rows rejected; {3} in the roster now.</source>
            <translation>{0} Teilnehmer hinzugefügt, {1} aktualisiert, {2} Zeilen abgelehnt; jetzt {3} in der Liste.</translation>
        </message>
        <message>
            <source>line {0}: {1}</source>
            <translation>Zeile {0}: {1}</translation>
        </message>
        <message>
            <source>Importing…</source>
            <translation>Wird importiert…</translation>
        </message>
        <message>
            <source>Not imported: {0}</source>
            <translation>Nicht importiert: {0}</translation>
        </message>
    </context>
    <context>
        <name>ScanPage</name>
        <message>
            <source>Keep last visitor</source>
            <translation>Letzten Besucher zeigen</translation>
        </message>
        <message>
            <source>Hide after 10 s</source>
            <translation>Nach 10 s ausblenden</translation>
        </message>
        <message>
            <source>Hide after 30 s</source>
            <translation>Nach 30 s ausblenden</translation>
        </message>
        <message>
            <source>Hide after 1 min</source>
            <translation>Nach 1 Min. ausblenden</translation>
        </message>
        <message>
            <source> on {when}</source>
            <translation> am {when}</translation>
        </message>
        <message>
            <source>someone</source>
            <translation>jemand</translation>
        </message>
        <message>
            <source>another device</source>
            <translation>ein anderes Gerät</translation>
        </message>
        <message>
            <source>Scanned before by {who}{at} ({device}): this is the existing lead, no duplicate made.</source>
            <translation>Schon gescannt von {who}{at} ({device}): Das ist der vorhandene Lead, kein Duplikat angelegt.</translation>
        </message>
        <message>
            <source>someone on this device</source>
            <translation>jemand auf diesem Gerät</translation>
        </message>
        <message>
            <source>Scanned before by {who}{at}: this is the existing lead, no duplicate made.</source>
            <translation>Schon gescannt von {who}{at}: Das ist der vorhandene Lead, kein Duplikat angelegt.</translation>
        </message>
        <message>
            <source>Hub: connecting…</source>
            <translation>Hub: verbinde…</translation>
        </message>
        <message>
            <source>all changes shared</source>
            <translation>alle Änderungen geteilt</translation>
        </message>
        <message>
            <source>Hub online · {waiting}</source>
            <translation>Hub online · {waiting}</translation>
        </message>
        <message>
            <source>Hub refused this device (revoked or wrong password) · {waiting}</source>
            <translation>Hub hat dieses Gerät abgelehnt (widerrufen oder falsches Passwort) · {waiting}</translation>
        </message>
        <message>
            <source>Hub's certificate not accepted (TLS), leads are kept here · {waiting}</source>
            <translation>Zertifikat des Hubs nicht akzeptiert (TLS), Leads bleiben hier · {waiting}</translation>
        </message>
        <message>
            <source>Hub needs an upgrade (boothapp hub init), leads are kept here · {waiting}</source>
            <translation>Hub muss aktualisiert werden (boothapp hub init), Leads bleiben hier · {waiting}</translation>
        </message>
        <message>
            <source>Hub error, leads are kept here · {waiting}</source>
            <translation>Hub-Fehler, Leads bleiben hier · {waiting}</translation>
        </message>
        <message>
            <source>Hub offline, leads are kept here · {waiting}</source>
            <translation>Hub offline, Leads bleiben hier · {waiting}</translation>
        </message>
        <message>
            <source>Camera off</source>
            <translation>Kamera aus</translation>
        </message>
        <message>
            <source>A handheld scanner still works.</source>
            <translation>Der Handscanner funktioniert weiterhin.</translation>
        </message>
        <message>
            <source>Walk-in (F5)</source>
            <translation>Ohne Badge (F5)</translation>
        </message>
        <message>
            <source>A visitor without a badge: type their details</source>
            <translation>Besucher ohne Badge: Daten eintippen</translation>
        </message>
        <message>
            <source>Badge photo</source>
            <translation>Badge-Foto</translation>
        </message>
        <message>
            <source>The badge cannot be read: keep a photo to type it in later</source>
            <translation>Badge nicht lesbar: Foto behalten und später abtippen</translation>
        </message>
        <message>
            <source>Ready to scan</source>
            <translation>Bereit zum Scannen</translation>
        </message>
        <message>
            <source>Hold a badge up to the camera, or scan it with the handheld scanner.
F5: walk-in without badge · F6: photo of a business card</source>
            <translation>Badge vor die Kamera halten oder mit dem Handscanner scannen.
F5: Besucher ohne Badge · F6: Foto einer Visitenkarte</translation>
        </message>
        <message>
            <source>Hide the last visitor's name and company from the screen</source>
            <translation>Namen und Firma des letzten Besuchers ausblenden</translation>
        </message>
        <message>
            <source>Just captured</source>
            <translation>Gerade erfasst</translation>
        </message>
        <message>
            <source>Sign in first: badges seen by the camera are not kept.</source>
            <translation>Erst anmelden: Von der Kamera gesehene Badges werden nicht übernommen.</translation>
        </message>
        <message>
            <source>Another badge was seen by the camera: save or cancel this lead first.</source>
            <translation>Die Kamera hat einen anderen Badge gesehen: erst diesen Lead speichern oder abbrechen.</translation>
        </message>
        <message>
            <source>Unreadable: the scanner sent nothing usable</source>
            <translation>Nicht lesbar: Der Scanner hat nichts Brauchbares gesendet</translation>
        </message>
        <message>
            <source>Next visitor's badge is read: it opens when you save or cancel this lead.</source>
            <translation>Badge des nächsten Besuchers gelesen: Er öffnet sich, sobald Sie diesen Lead speichern oder abbrechen.</translation>
        </message>
        <message>
            <source>Next visitor waiting</source>
            <translation>Nächster Besucher wartet</translation>
        </message>
        <message>
            <source>Badge read</source>
            <translation>Badge gelesen</translation>
        </message>
        <message>
            <source>Scan not kept: {0}</source>
            <translation>Scan nicht gespeichert: {0}</translation>
        </message>
        <message>
            <source>Scanned before: {0}</source>
            <translation>Schon gescannt: {0}</translation>
        </message>
        <message>
            <source>Unreadable badge: </source>
            <translation>Unlesbarer Badge: </translation>
        </message>
        <message>
            <source>new visitor</source>
            <translation>neuer Besucher</translation>
        </message>
        <message>
            <source>New lead: {0}</source>
            <translation>Neuer Lead: {0}</translation>
        </message>
        <message>
            <source>Badge scanned</source>
            <translation>Badge gescannt</translation>
        </message>
        <message>
            <source>✔ {0}</source>
            <translation>✔ {0}</translation>
        </message>
        <message>
            <source>No camera picture to keep. Use 'walk-in' and type the name.</source>
            <translation>Kein Kamerabild zum Behalten. „Ohne Badge“ wählen und den Namen eintippen.</translation>
        </message>
        <message>
            <source>Photo kept to resolve later ({0}). Type what you can read: F5.</source>
            <translation>Foto für später gespeichert ({0}). Lesbares eintippen: F5.</translation>
        </message>
        <message>
            <source>Photo not kept: {0}</source>
            <translation>Foto nicht gespeichert: {0}</translation>
        </message>
        <message>
            <source>{0} · {1} · {2}</source>
            <translation>{0} · {1} · {2}</translation>
        </message>
        <message>
            <source>Saved {0}. Next visitor!</source>
            <translation>{0} gespeichert. Nächster Besucher!</translation>
        </message>
        <message>
            <source>Hide after {0} s</source>
            <translation>Nach {0} s ausblenden</translation>
        </message>
        <message>
            <source>{0} visitor(s) hidden for privacy</source>
            <translation>{0} Besucher aus Datenschutzgründen ausgeblendet</translation>
        </message>
    </context>
    <context>
        <name>ScanStep</name>
        <message>
            <source>Hold your badge up to the camera</source>
            <translation>Halten Sie Ihren Badge vor die Kamera</translation>
        </message>
        <message>
            <source>No badge? Type your details</source>
            <translation>Kein Badge? Daten eintippen</translation>
        </message>
        <message>
            <source>Start over</source>
            <translation>Neu beginnen</translation>
        </message>
    </context>
    <context>
        <name>SettingsForm</name>
        <message>
            <source>Id</source>
            <translation>ID</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>Name</translation>
        </message>
        <message>
            <source>Time zone</source>
            <translation>Zeitzone</translation>
        </message>
        <message>
            <source>Hours</source>
            <translation>Zeiten</translation>
        </message>
        <message>
            <source>(question)</source>
            <translation>(Frage)</translation>
        </message>
        <message>
            <source>Required on the booth form</source>
            <translation>Pflichtfeld im Standformular</translation>
        </message>
        <message>
            <source>Add option</source>
            <translation>Option hinzufügen</translation>
        </message>
        <message>
            <source>Remove option</source>
            <translation>Option entfernen</translation>
        </message>
        <message>
            <source>Questions, options and translations</source>
            <translation>Fragen, Optionen und Übersetzungen</translation>
        </message>
        <message>
            <source>Rating thresholds and targets</source>
            <translation>Bewertungsgrenzen und Ziele</translation>
        </message>
        <message>
            <source>Warm from (score)</source>
            <translation>Warm ab (Punkte)</translation>
        </message>
        <message>
            <source>Hot from (score)</source>
            <translation>Heiß ab (Punkte)</translation>
        </message>
        <message>
            <source>The dashboard measures each person's day against it</source>
            <translation>Die Übersicht misst jeden Tag jeder Person daran</translation>
        </message>
        <message>
            <source>Leads per person per day</source>
            <translation>Leads pro Person und Tag</translation>
        </message>
        <message>
            <source>until erased</source>
            <translation>bis zum Löschen</translation>
        </message>
        <message>
            <source> days</source>
            <translation> Tage</translation>
        </message>
        <message>
            <source>Leads neither synced nor won are erased this long after capture</source>
            <translation>Leads, die weder abgeglichen noch gewonnen sind, werden so lange nach der Erfassung gelöscht</translation>
        </message>
        <message>
            <source>Keep unsynced leads</source>
            <translation>Nicht abgeglichene
Leads behalten</translation>
        </message>
        <message>
            <source>Add rep</source>
            <translation>Vertriebler hinzufügen</translation>
        </message>
        <message>
            <source>Remove rep</source>
            <translation>Vertriebler entfernen</translation>
        </message>
        <message>
            <source>Routing reps (who gets leads)</source>
            <translation>Zuteilung (wer die Leads bekommt)</translation>
        </message>
        <message>
            <source>Working hours, like 09:00-17:00</source>
            <translation>Arbeitszeit, z. B. 09:00-17:00</translation>
        </message>
        <message>
            <source>Option id</source>
            <translation>Options-ID</translation>
        </message>
        <message>
            <source>Default wording</source>
            <translation>Standardwortlaut</translation>
        </message>
    </context>
    <context>
        <name>SetupWizard</name>
        <message>
            <source>Set up your event</source>
            <translation>Messe einrichten</translation>
        </message>
        <message>
            <source>Back</source>
            <translation>Zurück</translation>
        </message>
        <message>
            <source>Next</source>
            <translation>Weiter</translation>
        </message>
        <message>
            <source>Commit</source>
            <translation>Bestätigen</translation>
        </message>
        <message>
            <source>Finish</source>
            <translation>Fertig</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>Abbrechen</translation>
        </message>
        <message>
            <source>Help</source>
            <translation>Hilfe</translation>
        </message>
        <message>
            <source>Could not create the event</source>
            <translation>Messe konnte nicht angelegt werden</translation>
        </message>
    </context>
    <context>
        <name>Shell</name>
        <message>
            <source>Welcome to BoothApp</source>
            <translation>Willkommen bei BoothApp</translation>
        </message>
        <message>
            <source>Welcome! Set up your event, or try BoothApp on a demo event first (no camera needed: a recorded badge feed plays as the camera).</source>
            <translation>Willkommen! Richten Sie Ihre Messe ein oder testen Sie BoothApp zuerst mit einer Demo-Messe (keine Kamera nötig: ein aufgezeichnetes Badge-Video dient als Kamera).</translation>
        </message>
        <message>
            <source>Set up my event</source>
            <translation>Meine Messe einrichten</translation>
        </message>
        <message>
            <source>Try the demo</source>
            <translation>Demo ausprobieren</translation>
        </message>
        <message>
            <source>Preparing the demo event and its badge video…</source>
            <translation>Demo-Messe und Badge-Video werden vorbereitet…</translation>
        </message>
        <message>
            <source>BoothApp demo</source>
            <translation>BoothApp-Demo</translation>
        </message>
        <message>
            <source>Demo not available</source>
            <translation>Demo nicht verfügbar</translation>
        </message>
        <message>
            <source>No camera chosen: scan badges with the handheld scanner.</source>
            <translation>Keine Kamera gewählt: Badges mit dem Handscanner scannen.</translation>
        </message>
        <message>
            <source>No camera found. Plug one in (and restart), or use a handheld scanner.</source>
            <translation>Keine Kamera gefunden. Eine anschließen (und neu starten) oder einen Handscanner nutzen.</translation>
        </message>
    </context>
    <context>
        <name>SignInPage</name>
        <message>
            <source>Wrong PIN</source>
            <translation>Falsche PIN</translation>
        </message>
        <message>
            <source>Too many wrong PINs: try again in {s} s</source>
            <translation>Zu viele falsche PINs: in {s} s erneut versuchen</translation>
        </message>
        <message>
            <source>Who is at the booth?</source>
            <translation>Wer ist am Stand?</translation>
        </message>
        <message>
            <source>Tap your name</source>
            <translation>Auf Ihren Namen tippen</translation>
        </message>
        <message>
            <source>Manager unlock</source>
            <translation>Entsperren durch Manager</translation>
        </message>
        <message>
            <source>Language</source>
            <translation>Sprache</translation>
        </message>
        <message>
            <source>No staff yet: an event manager adds staff first</source>
            <translation>Noch kein Personal: Zuerst trägt ein Messe-Manager Personen ein</translation>
        </message>
        <message>
            <source>PIN for {0}</source>
            <translation>PIN für {0}</translation>
        </message>
        <message>
            <source>Checking…</source>
            <translation>Wird geprüft…</translation>
        </message>
        <message>
            <source>This staff member cannot sign in any more</source>
            <translation>Diese Person kann sich nicht mehr anmelden</translation>
        </message>
        <message>
            <source>Signed in: {0}</source>
            <translation>Angemeldet: {0}</translation>
        </message>
        <message>
            <source>Could not sign in: {0}</source>
            <translation>Anmeldung fehlgeschlagen: {0}</translation>
        </message>
        <message>
            <source>Manager PIN to unlock {0}</source>
            <translation>Manager-PIN zum Entsperren von {0}</translation>
        </message>
        <message>
            <source>Unlocked by {0}</source>
            <translation>Entsperrt von {0}</translation>
        </message>
        <message>
            <source>Too many wrong manager PINs: wait for the countdown</source>
            <translation>Zu viele falsche Manager-PINs: Countdown abwarten</translation>
        </message>
        <message>
            <source>Wrong manager PIN</source>
            <translation>Falsche Manager-PIN</translation>
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
            <translation>Termin</translation>
        </message>
        <message>
            <source>Won</source>
            <translation>Gewonnen</translation>
        </message>
    </context>
    <context>
        <name>StaffSetupPage</name>
        <message>
            <source>Booth staff</source>
            <translation>Standpersonal</translation>
        </message>
        <message>
            <source>Add everyone who scans at the booth. Each signs in with a 4-8 digit PIN.</source>
            <translation>Alle eintragen, die am Stand scannen. Jede Person meldet sich mit einer 4- bis 8-stelligen PIN an.</translation>
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
            <translation>Hinzufügen</translation>
        </message>
        <message>
            <source>Remove selected</source>
            <translation>Auswahl entfernen</translation>
        </message>
        <message>
            <source>Enter a name</source>
            <translation>Namen eingeben</translation>
        </message>
        <message>
            <source>{0} is already on the list</source>
            <translation>{0} steht schon auf der Liste</translation>
        </message>
    </context>
    <context>
        <name>SyncPage</name>
        <message>
            <source>; retrying at {0:%H:%M}</source>
            <translation>; neuer Versuch um {0:%H:%M}</translation>
        </message>
        <message>
            <source>{0} is not answering{1}</source>
            <translation>{0} antwortet nicht{1}</translation>
        </message>
        <message>
            <source>{0} was not answering; trying one lead</source>
            <translation>{0} hat nicht geantwortet; Versuch mit einem Lead</translation>
        </message>
        <message>
            <source>Sync now</source>
            <translation>Jetzt abgleichen</translation>
        </message>
        <message>
            <source>Pull changes from CRM</source>
            <translation>Änderungen aus dem CRM holen</translation>
        </message>
        <message>
            <source>Take the owner and stage that sales changed in the CRM. A booth edit made after the CRM's change is kept and goes out with the next sync.</source>
            <translation>Übernimmt Zuständigkeit und Phase, die der Vertrieb im CRM geändert hat. Eine spätere Änderung am Stand bleibt erhalten und geht mit dem nächsten Abgleich raus.</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>Abbrechen</translation>
        </message>
        <message>
            <source>Lead</source>
            <translation>Lead</translation>
        </message>
        <message>
            <source>Company</source>
            <translation>Firma</translation>
        </message>
        <message>
            <source>CRM says</source>
            <translation>Antwort des CRM</translation>
        </message>
        <message>
            <source>Retry failed</source>
            <translation>Fehlgeschlagene erneut senden</translation>
        </message>
        <message>
            <source>Sync</source>
            <translation>Abgleich</translation>
        </message>
        <message>
            <source>Leads the CRM refused</source>
            <translation>Vom CRM abgelehnte Leads</translation>
        </message>
        <message>
            <source>No CRM set up for this event yet: fill in the settings.</source>
            <translation>Für diese Messe ist noch kein CRM eingerichtet: Einstellungen ausfüllen.</translation>
        </message>
        <message>
            <source>never</source>
            <translation>nie</translation>
        </message>
        <message>
            <source>{0}: {1} synced, {2} waiting, {3} failed; last sync {4}</source>
            <translation>{0}: {1} abgeglichen, {2} wartend, {3} fehlgeschlagen; letzter Abgleich {4}</translation>
        </message>
        <message>
            <source>Reading back what sales changed in the CRM…</source>
            <translation>Änderungen des Vertriebs im CRM werden gelesen…</translation>
        </message>
        <message>
            <source>Read back {0} of {1} leads</source>
            <translation>{0} von {1} Leads gelesen</translation>
        </message>
        <message>
            <source>, about {0} left</source>
            <translation>, noch etwa {0}</translation>
        </message>
        <message>
            <source>{0} of {1} · {2:.0f} leads/min{3}{4}</source>
            <translation>{0} von {1} · {2:.0f} Leads/Min.{3}{4}</translation>
        </message>
        <message>
            <source>Done: {0} sent, {1} refused.</source>
            <translation>Fertig: {0} gesendet, {1} abgelehnt.</translation>
        </message>
        <message>
            <source>Paused: {0}</source>
            <translation>Pausiert: {0}</translation>
        </message>
        <message>
            <source>Sync cancelled; the rest stays queued.</source>
            <translation>Abgleich abgebrochen; der Rest bleibt in der Warteschlange.</translation>
        </message>
        <message>
            <source>The CRM refused the credentials: {0}</source>
            <translation>Das CRM hat die Zugangsdaten abgelehnt: {0}</translation>
        </message>
        <message>
            <source>The CRM set-up needs fixing: {0}</source>
            <translation>Die CRM-Einrichtung muss korrigiert werden: {0}</translation>
        </message>
        <message>
            <source>Stopped for now; the rest stays queued.</source>
            <translation>Vorerst gestoppt; der Rest bleibt in der Warteschlange.</translation>
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
            <translation>{0:.0f} Min.</translation>
        </message>
    </context>
    <context>
        <name>ThanksPage</name>
        <message>
            <source>Thank you, {name}! We will be in touch.</source>
            <translation>Danke, {name}! Wir melden uns.</translation>
        </message>
        <message>
            <source>Thank you! We will be in touch.</source>
            <translation>Danke! Wir melden uns.</translation>
        </message>
    </context>
    <context>
        <name>UnfinishedVisitorsDialog</name>
        <message>
            <source>Unfinished visitors</source>
            <translation>Nicht abgeschlossene Besucher</translation>
        </message>
        <message>
            <source>These badges were scanned but their lead was never saved.</source>
            <translation>Diese Badges wurden gescannt, ihr Lead aber nie gespeichert.</translation>
        </message>
        <message>
            <source>Visitor</source>
            <translation>Besucher</translation>
        </message>
        <message>
            <source>Badge</source>
            <translation>Badge</translation>
        </message>
        <message>
            <source>Scanned</source>
            <translation>Gescannt</translation>
        </message>
        <message>
            <source>Resume</source>
            <translation>Fortsetzen</translation>
        </message>
        <message>
            <source>Discard</source>
            <translation>Verwerfen</translation>
        </message>
        <message>
            <source>Later</source>
            <translation>Später</translation>
        </message>
        <message>
            <source>{name} saved</source>
            <translation>{name} gespeichert</translation>
        </message>
        <message>
            <source>Set aside</source>
            <translation>Zurückgestellt</translation>
        </message>
    </context>
    <context>
        <name>_Count</name>
        <message numerus="yes">
            <source>%Ln lead(s)</source>
            <translation>
                <numerusform>%Ln Lead</numerusform>
                <numerusform>%Ln Leads</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>_HubWords</name>
        <message numerus="yes">
            <source>%n change(s) waiting</source>
            <translation>
                <numerusform>%n Änderung wartet</numerusform>
                <numerusform>%n Änderungen warten</numerusform>
            </translation>
        </message>
    </context>
</TS>
