"""Names for the synthetic population, in Arabic and English, by nationality."""

from __future__ import annotations

Name = tuple[str, str]  # (Arabic, English)

KUWAITI_MALE: tuple[Name, ...] = (
    ("أحمد", "Ahmad"),
    ("محمد", "Mohammad"),
    ("عبدالله", "Abdullah"),
    ("خالد", "Khalid"),
    ("فهد", "Fahad"),
    ("سالم", "Salem"),
    ("ناصر", "Nasser"),
    ("يوسف", "Yousef"),
    ("عبدالعزيز", "Abdulaziz"),
    ("حمد", "Hamad"),
    ("مشعل", "Mishal"),
    ("بدر", "Bader"),
    ("فيصل", "Faisal"),
    ("سعود", "Saud"),
    ("جاسم", "Jassim"),
    ("علي", "Ali"),
    ("حسين", "Hussain"),
    ("طلال", "Talal"),
    ("ماجد", "Majed"),
    ("عمر", "Omar"),
)
KUWAITI_FEMALE: tuple[Name, ...] = (
    ("فاطمة", "Fatima"),
    ("نورة", "Noura"),
    ("مريم", "Maryam"),
    ("سارة", "Sara"),
    ("هيا", "Haya"),
    ("دانة", "Dana"),
    ("شيخة", "Sheikha"),
    ("لولوة", "Lulwa"),
    ("منيرة", "Munira"),
    ("أسماء", "Asma"),
    ("عائشة", "Aisha"),
    ("حصة", "Hessa"),
    ("ريم", "Reem"),
    ("شهد", "Shahad"),
    ("لطيفة", "Latifa"),
)
KUWAITI_FAMILY: tuple[Name, ...] = (
    ("المطيري", "Al-Mutairi"),
    ("العنزي", "Al-Enezi"),
    ("العجمي", "Al-Ajmi"),
    ("الرشيدي", "Al-Rashidi"),
    ("الكندري", "Al-Kandari"),
    ("الشمري", "Al-Shammari"),
    ("العتيبي", "Al-Otaibi"),
    ("الهاجري", "Al-Hajri"),
    ("الفضلي", "Al-Fadhli"),
    ("الدوسري", "Al-Dosari"),
    ("الحربي", "Al-Harbi"),
    ("القطان", "Al-Qattan"),
    ("الغانم", "Al-Ghanim"),
    ("العوضي", "Al-Awadhi"),
    ("الرومي", "Al-Roumi"),
    ("الملا", "Al-Mulla"),
)

# Expatriate communities: (nationality, male first names, female first names, family names)
EXPATRIATES: tuple[tuple[str, tuple[Name, ...], tuple[Name, ...], tuple[Name, ...]], ...] = (
    (
        "IN",
        (("راجيش", "Rajesh"), ("سوريش", "Suresh"), ("أنيل", "Anil"), ("ثوماس", "Thomas")),
        (("بريا", "Priya"), ("ديبا", "Deepa"), ("أنجو", "Anju")),
        (("كومار", "Kumar"), ("ناير", "Nair"), ("مينون", "Menon"), ("شارما", "Sharma")),
    ),
    (
        "EG",
        (("محمود", "Mahmoud"), ("مصطفى", "Mostafa"), ("عمرو", "Amr"), ("كريم", "Karim")),
        (("منى", "Mona"), ("هبة", "Heba"), ("ياسمين", "Yasmin")),
        (("حسن", "Hassan"), ("إبراهيم", "Ibrahim"), ("سعيد", "Saeed"), ("عادل", "Adel")),
    ),
    (
        "PH",
        (("خوسيه", "Jose"), ("مارك", "Mark"), ("رامون", "Ramon")),
        (("ماريا", "Maria"), ("آنا", "Ana"), ("غريس", "Grace")),
        (("سانتوس", "Santos"), ("رييس", "Reyes"), ("كروز", "Cruz"), ("غارسيا", "Garcia")),
    ),
    (
        "BD",
        (("محمد", "Mohammad"), ("عبد الكريم", "Abdul Karim"), ("رفيق", "Rafiq")),
        (("نسرين", "Nasrin"), ("شيرين", "Shirin")),
        (("رحمن", "Rahman"), ("حسين", "Hossain"), ("إسلام", "Islam")),
    ),
    (
        "PK",
        (("عمران", "Imran"), ("بلال", "Bilal"), ("أسد", "Asad")),
        (("عائشة", "Ayesha"), ("صبا", "Saba")),
        (("خان", "Khan"), ("أحمد", "Ahmed"), ("قريشي", "Qureshi")),
    ),
    (
        "SY",
        (("عمر", "Omar"), ("سامر", "Samer")),
        (("لينا", "Lina"), ("رنا", "Rana")),
        (("حداد", "Haddad"), ("خوري", "Khoury")),
    ),
    (
        "LK",
        (("نيمال", "Nimal"), ("سونيل", "Sunil")),
        (("كوماري", "Kumari"), ("ديلاني", "Dilani")),
        (("بيريرا", "Perera"), ("سيلفا", "Silva")),
    ),
)

VEHICLES: tuple[tuple[str, str], ...] = (
    ("Toyota", "Land Cruiser"),
    ("Toyota", "Camry"),
    ("Nissan", "Patrol"),
    ("Lexus", "LX 600"),
    ("GMC", "Yukon"),
    ("Chevrolet", "Tahoe"),
    ("Hyundai", "Elantra"),
    ("Kia", "Sportage"),
    ("Mitsubishi", "Pajero"),
    ("Honda", "Accord"),
    ("Ford", "Explorer"),
    ("Mazda", "CX-5"),
)
COLOURS: tuple[Name, ...] = (
    ("أبيض", "white"),
    ("أسود", "black"),
    ("فضي", "silver"),
    ("رمادي", "grey"),
    ("أحمر", "red"),
    ("أزرق", "blue"),
)
OFFENCES: tuple[tuple[str, str, int], ...] = (
    ("تجاوز السرعة المقررة", "Speeding", 20_000),
    ("تجاوز الإشارة الضوئية الحمراء", "Running a red light", 50_000),
    ("استخدام الهاتف أثناء القيادة", "Using a phone while driving", 15_000),
    ("الوقوف في مكان ممنوع", "Parking where it is forbidden", 10_000),
    ("عدم ربط حزام الأمان", "Not wearing a seat belt", 10_000),
)
ACTIVITIES: tuple[Name, ...] = (
    ("تجارة عامة ومقاولات", "General trading and contracting"),
    ("مطعم", "Restaurant"),
    ("تجارة مواد غذائية", "Foodstuff trading"),
    ("استشارات هندسية", "Engineering consultancy"),
    ("صالون حلاقة", "Barber shop"),
    ("تجارة إلكترونيات", "Electronics trading"),
)
