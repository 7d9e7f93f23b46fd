"""Month names in the supported languages (each month a tuple of spellings, January first).

Read by the date slots (``bot.slots.dates``) and by the content coverage of the matcher, for
which a date is not a message's subject ("I moved in on 11 December, where do I register").
"""

from __future__ import annotations

MONTH_NAMES: tuple[tuple[str, ...], ...] = (
    # de, en, fr, ro, tr, pl, sq, so, ku (two calendars), uk, ru, bg, ar (two), fa/ps/prs, ti
    ("januar", "jänner", "jan", "january", "janvier", "ianuarie", "ocak", "styczeń", "stycznia",
     "janar", "janaayo", "kanûna paşîn", "rêbendan", "січень", "січня", "январь", "января",
     "януари", "يناير", "كانون الثاني", "ژانویه", "جنوری", "ጥሪ"),
    ("februar", "feb", "february", "février", "februarie", "şubat", "luty", "lutego", "shkurt",
     "febraayo", "sibat", "reşemî", "лютий", "лютого", "февраль", "февраля", "февруари",
     "فبراير", "شباط", "فوریه", "فبروری", "ለካቲት"),
    ("märz", "mär", "march", "mars", "martie", "mart", "marzec", "marca", "maarso", "adar",
     "березень", "березня", "март", "марта", "مارس", "آذار", "مارچ", "መጋቢት"),
    ("april", "apr", "avril", "aprilie", "nisan", "kwiecień", "kwietnia", "prill", "abriil",
     "nîsan", "avrêl", "квітень", "квітня", "апрель", "апреля", "април", "أبريل", "ابريل",
     "نيسان", "آوریل", "اپریل", "ሚያዝያ"),
    ("mai", "may", "mayıs", "maj", "maja", "maajo", "gulan", "травень", "травня", "май", "мая",
     "مايو", "أيار", "ایار", "مه", "می", "ግንቦት"),
    ("juni", "jun", "june", "juin", "iunie", "haziran", "czerwiec", "czerwca", "qershor",
     "juun", "hezîran", "pûşper", "червень", "червня", "июнь", "июня", "юни", "يونيو",
     "حزيران", "ژوئن", "جون", "ሰነ"),
    ("juli", "jul", "july", "juillet", "iulie", "temmuz", "lipiec", "lipca", "korrik",
     "luuliyo", "tîrmeh", "липень", "липня", "июль", "июля", "юли", "يوليو", "تموز",
     "ژوئیه", "جولای", "ሓምለ"),
    ("august", "aug", "août", "ağustos", "sierpień", "sierpnia", "gusht", "ogost", "tebax",
     "gelawêj", "серпень", "серпня", "август", "августа", "أغسطس", "اغسطس", "آب", "اوت",
     "اگست", "ነሓሰ"),
    ("september", "sep", "sept", "septembre", "septembrie", "eylül", "wrzesień", "września",
     "shtator", "sebtembar", "îlon", "rezber", "вересень", "вересня", "сентябрь", "сентября",
     "септември", "سبتمبر", "أيلول", "ایلول", "سپتامبر", "سپتمبر", "መስከረም"),
    ("oktober", "okt", "october", "oct", "octobre", "octombrie", "ekim", "październik",
     "października", "tetor", "oktoobar", "çiriya pêşîn", "kewçêr", "жовтень", "жовтня",
     "октябрь", "октября", "октомври", "أكتوبر", "اكتوبر", "تشرين الأول", "اکتبر", "اکتوبر",
     "ጥቅምቲ"),
    ("november", "nov", "novembre", "noiembrie", "kasım", "listopad", "listopada", "nëntor",
     "nofeembar", "nofembar", "çiriya paşîn", "sermawez", "листопад", "листопада", "ноябрь",
     "ноября", "ноември", "نوفمبر", "تشرين الثاني", "نوامبر", "نومبر", "ሕዳር"),
    ("dezember", "dez", "december", "dec", "décembre", "decembrie", "aralık", "grudzień",
     "grudnia", "dhjetor", "desembar", "kanûna pêşîn", "berfanbar", "грудень", "грудня",
     "декабрь", "декабря", "декември", "ديسمبر", "كانون الأول", "دسامبر", "دسمبر", "ታሕሳስ"),
)  # fmt: skip
