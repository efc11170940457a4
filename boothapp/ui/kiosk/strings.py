"""Kiosk texts per language. Persian is right-to-left."""

from __future__ import annotations

from PySide6.QtCore import Qt

LANGUAGES: dict[str, str] = {"en": "English", "tr": "Türkçe", "el": "Ελληνικά", "fa": "فارسی"}
RTL = {"fa"}

_T: dict[str, dict[str, str]] = {
    "welcome": {
        "en": "Welcome to our booth",
        "tr": "Standımıza hoş geldiniz",
        "el": "Καλώς ήρθατε στο περίπτερό μας",
        "fa": "به غرفه ما خوش آمدید",
    },
    "scan_prompt": {
        "en": "Hold your badge up to the camera",
        "tr": "Yaka kartınızı kameraya gösterin",
        "el": "Κρατήστε την κονκάρδα σας μπροστά στην κάμερα",
        "fa": "کارت شناسایی خود را جلوی دوربین بگیرید",
    },
    "type_instead": {
        "en": "No badge? Type your details",
        "tr": "Kartınız yok mu? Bilgilerinizi yazın",
        "el": "Χωρίς κονκάρδα; Πληκτρολογήστε τα στοιχεία σας",
        "fa": "کارت ندارید؟ مشخصات خود را وارد کنید",
    },
    "start_scan": {
        "en": "Scan my badge",
        "tr": "Kartımı okut",
        "el": "Σάρωση της κονκάρδας μου",
        "fa": "کارتم را اسکن کن",
    },
    "camera_off": {
        "en": "Tap \u201cScan my badge\u201d to turn the camera on",
        "tr": "Kamerayı açmak için \u201cKartımı okut\u201d düğmesine dokunun",
        "el": "Πατήστε \u00abΣάρωση της κονκάρδας μου\u00bb για να ανοίξει η κάμερα",
        "fa": "برای روشن شدن دوربین «کارتم را اسکن کن» را لمس کنید",
    },
    "its_me": {
        "en": "Yes, it's me",
        "tr": "Evet, benim",
        "el": "Ναι, εγώ είμαι",
        "fa": "بله، خودم هستم",
    },
    "not_me": {
        "en": "No, not me",
        "tr": "Hayır, ben değilim",
        "el": "Όχι, δεν είμαι εγώ",
        "fa": "نه، من نیستم",
    },
    "pin_wait": {
        "en": "Too many wrong PINs. Try again in {s} s",
        "tr": "Çok fazla yanlış PIN. {s} sn sonra tekrar deneyin",
        "el": "Πάρα πολλά λάθος PIN. Δοκιμάστε ξανά σε {s} δ.",
        "fa": "رمز اشتباه بیش از حد. {s} ثانیه دیگر دوباره امتحان کنید",
    },
    "your_details": {
        "en": "Your details",
        "tr": "Bilgileriniz",
        "el": "Τα στοιχεία σας",
        "fa": "مشخصات شما",
    },
    "first_name": {"en": "First name", "tr": "Ad", "el": "Όνομα", "fa": "نام"},
    "last_name": {"en": "Last name", "tr": "Soyad", "el": "Επώνυμο", "fa": "نام خانوادگی"},
    "email": {"en": "Email", "tr": "E-posta", "el": "Email", "fa": "ایمیل"},
    "company": {"en": "Company", "tr": "Şirket", "el": "Εταιρεία", "fa": "شرکت"},
    "job_title": {"en": "Job title", "tr": "Unvan", "el": "Θέση", "fa": "سمت"},
    "next": {"en": "Next", "tr": "İleri", "el": "Επόμενο", "fa": "بعدی"},
    "back": {"en": "Back", "tr": "Geri", "el": "Πίσω", "fa": "بازگشت"},
    "cancel": {"en": "Start over", "tr": "Baştan başla", "el": "Από την αρχή", "fa": "شروع دوباره"},
    "interests": {
        "en": "What interests you?",
        "tr": "Nelerle ilgileniyorsunuz?",
        "el": "Τι σας ενδιαφέρει;",
        "fa": "به چه چیزی علاقه دارید؟",
    },
    "consent_title": {
        "en": "May we contact you?",
        "tr": "Sizinle iletişime geçebilir miyiz?",
        "el": "Μπορούμε να επικοινωνήσουμε μαζί σας;",
        "fa": "آیا می‌توانیم با شما تماس بگیریم؟",
    },
    "consent_default": {
        "en": "Yes, you may contact me by email about your products and this event. "
        "I can withdraw this at any time.",
        "tr": "Evet, ürünleriniz ve bu etkinlik hakkında benimle e-posta ile iletişime "
        "geçebilirsiniz. Bu izni istediğim zaman geri alabilirim.",
        "el": "Ναι, μπορείτε να επικοινωνήσετε μαζί μου με email για τα προϊόντα σας και "
        "αυτή την εκδήλωση. Μπορώ να το ανακαλέσω οποτεδήποτε.",
        "fa": "بله، می‌توانید درباره محصولات خود و این رویداد از طریق ایمیل با من تماس "
        "بگیرید. هر زمان بخواهم می‌توانم این اجازه را پس بگیرم.",
    },
    "send_literature": {
        "en": "Email me the brochure",
        "tr": "Broşürü e-postayla gönderin",
        "el": "Στείλτε μου το φυλλάδιο με email",
        "fa": "بروشور را برایم ایمیل کنید",
    },
    "agree": {"en": "I agree", "tr": "Kabul ediyorum", "el": "Συμφωνώ", "fa": "موافقم"},
    "staff_pin": {
        "en": "Staff PIN",
        "tr": "Personel PIN",
        "el": "PIN προσωπικού",
        "fa": "رمز کارکنان",
    },
    "wrong_pin": {"en": "Wrong PIN", "tr": "Yanlış PIN", "el": "Λάθος PIN", "fa": "رمز اشتباه"},
    "finish": {"en": "Finish", "tr": "Bitir", "el": "Ολοκλήρωση", "fa": "پایان"},
    "thanks": {
        "en": "Thank you, {name}! We will be in touch.",
        "tr": "Teşekkürler, {name}! Sizinle iletişime geçeceğiz.",
        "el": "Ευχαριστούμε, {name}! Θα επικοινωνήσουμε μαζί σας.",
        "fa": "سپاسگزاریم، {name}! با شما در تماس خواهیم بود.",
    },
    "thanks_anonymous": {
        "en": "Thank you! We will be in touch.",
        "tr": "Teşekkürler! Sizinle iletişime geçeceğiz.",
        "el": "Ευχαριστούμε! Θα επικοινωνήσουμε μαζί σας.",
        "fa": "سپاسگزاریم! با شما در تماس خواهیم بود.",
    },
    "idle_countdown": {
        "en": "Still there? Starting over in {s} s — touch to continue",
        "tr": "Orada mısınız? {s} sn içinde baştan başlanacak — devam için dokunun",
        "el": "Είστε εκεί; Επανεκκίνηση σε {s} δ. — αγγίξτε για συνέχεια",
        "fa": "هنوز اینجا هستید؟ شروع دوباره تا {s} ثانیه دیگر — برای ادامه لمس کنید",
    },
    "required": {
        "en": "Please fill in your name and a valid email",
        "tr": "Lütfen adınızı ve geçerli bir e-posta girin",
        "el": "Συμπληρώστε το όνομά σας και ένα έγκυρο email",
        "fa": "لطفاً نام و یک ایمیل معتبر وارد کنید",
    },
    "check_details": {
        "en": "Is this you?",
        "tr": "Bu siz misiniz?",
        "el": "Είστε εσείς;",
        "fa": "آیا این شما هستید؟",
    },
    "saving_failed": {
        "en": "Sorry, that did not work. Please ask our staff.",
        "tr": "Üzgünüz, bu işlem başarısız oldu. Lütfen görevlilerimize danışın.",
        "el": "Λυπούμαστε, κάτι πήγε στραβά. Ρωτήστε το προσωπικό μας.",
        "fa": "متأسفیم، انجام نشد. لطفاً از همکاران ما کمک بخواهید.",
    },
}


def tr(key: str, lang: str, **kwargs: object) -> str:
    texts = _T[key]
    text = texts.get(lang) or texts["en"]
    return text.format(**kwargs) if kwargs else text


def direction(lang: str) -> Qt.LayoutDirection:
    return Qt.LayoutDirection.RightToLeft if lang in RTL else Qt.LayoutDirection.LeftToRight
