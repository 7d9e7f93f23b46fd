"""Words that mean a 112/110 emergency in any of our languages: these must never be missed."""

from __future__ import annotations

from intents.normalise import normalise
from intents.scripts import Script, dominant_script

# One phrase per entry, in normalised form is not required: every entry is normalised on use.
# A trailing "*" matches any word beginning with the stem. Arabic-script words also match with
# the attached prefixes و ب ل ف ال. Kept to words that rarely mean anything harmless.
EMERGENCY_PHRASES: tuple[str, ...] = (
    # numbers, and the distress call understood everywhere
    "112", "110", "sos",
    # de
    "notruf*", "notfall", "notarzt*", "krankenwagen*", "rettungswagen*", "rettungsdienst",
    "feuerwehr*", "feuer", "es brennt", "brennt", "polizei", "gewalt", "schlägt mich",
    "schlagt mich", "er schlägt", "sie schlägt", "atmet nicht", "keine luft", "bewusstlos",
    "herzinfarkt", "blutet", "vergewaltig*", "bedroht mich", "messer", "umbringen",
    # en
    "emergency", "ambulance", "fire", "police", "violence", "violent", "hitting me", "hits me",
    "beating me", "beats me", "beat me", "not breathing", "cant breathe", "can not breathe",
    "cannot breathe", "unconscious", "heart attack", "bleeding", "rape*", "threatening me",
    "knife", "attacked", "suicide", "kill myself", "overdose", "stabbed", "choking",
    # fr
    "urgence", "ambulance", "pompiers", "feu", "incendie", "police", "violence*", "me frappe",
    "respire pas", "respire plus", "inconscient*", "crise cardiaque", "saigne", "viol",
    "menace*", "couteau", "samu",
    # tr
    "acil durum", "acil servis", "ambulans*", "itfaiye*", "yangin", "polis*", "siddet*",
    "beni dovuyor", "dovuyor", "nefes almiyor", "bilincsiz", "bayildi", "kalp krizi", "kaniyor",
    "tecavuz*", "bicak*",
    # ro
    "urgenta", "ambulanta", "salvarea", "pompieri*", "incendiu", "foc", "politia", "politie",
    "violenta", "ma bate", "nu respira", "inconstient*", "atac de cord", "sangereaza", "viol*",
    "cutit*",
    # pl
    "nagly wypadek", "pogotowie", "karetk*", "straz pozarna", "pozar", "pali sie", "policj*",
    "przemoc*", "bije mnie", "nie oddycha", "nieprzytomn*", "zawal*", "krwawi", "gwalt*",
    "ratunku", "nozem",
    # ku
    "ambulans", "agirkuj*", "agir berbu*", "polis", "tundi", "min dixe", "li min dixe",
    "nefes nagire", "bêhiş", "lezgin", "alikariya lezgin",
    # so
    "gurmad*", "degdeg", "ambalaas", "dab", "dabka", "booliis*", "tacaddi", "rabshad*",
    "i garaacaya", "garaacay*", "ma neefsanayo", "miyir beel*", "kufsi", "mindi",
    # sq
    "urgjenc*", "ambulanc*", "zjarr*", "policia", "policine", "policise", "dhun*", "me rreh",
    "nuk merr frym*",
    "pa ndjenja", "atak ne zemer", "gjakos*", "perdhun*", "kercenon", "thike",
    # ru
    "скорая", "скорую", "скорой", "неотложк*", "пожар*", "горит", "полици*", "милици*",
    "насили*", "бьет меня", "бьет", "бьют", "избил*", "ударил*", "избива*", "не дышит",
    "без сознания", "инфаркт",
    "кровотечени*", "истекает кровью", "изнасил*", "угрожа*", "нож*", "убива*",
    # uk
    "швидк* допомог*", "швидку", "швидка", "пожеж*", "горить", "поліці*", "насильств*",
    "б є мене", "бє мене", "бьє", "б'є", "не дихає", "без свідомості", "інфаркт", "кровотеч*",
    "зґвалтув*", "погрожу*", "рятуйте", "вбива*",
    # bg
    "бърза помощ", "линейк*", "пожар", "полиция*", "насилие", "бие ме", "не диша",
    "в безсъзнание", "инфаркт", "кърви", "изнасил*", "заплашва", "спешна помощ",
    # ar
    "اسعاف", "طوارئ", "حريق", "نار", "شرطة", "بوليس", "عنف", "يضربني", "يضربنى", "تضربني",
    "لا يتنفس", "ما يتنفس", "مغمى عليه", "فاقد الوعي", "نوبة قلبية", "ينزف", "نزيف", "اغتصاب",
    "يهددني", "سكين", "النجدة", "نجدة",
    # fa (Dari)
    "اورژانس", "آمبولانس", "امبولانس", "آتش", "آتش سوزی", "پلیس", "خشونت", "کتک", "منو میزنه",
    "مرا میزند", "مرا می زند", "نفس نمیکشد", "نفس نمی کشد", "بیهوش", "سکته", "خونریزی",
    "تجاوز", "چاقو",
    # ps
    "بیړنی", "اورلګېدنه", "اور", "پولیس", "تاوتریخوالی", "ما وهي", "ما وهی",
    "ساه نه اخلي", "بې هوښه", "وینه", "چړه",
    # ti (Ge'ez)
    "ህጹጽ", "ኣምቡላንስ", "ሓዊ", "ፖሊስ", "ዓመጽ", "ይወቕዓኒ", "ይህርመኒ", "ኣየስተንፍስን",
    "ደም",
    # break-ins, threats to kill, gas smell (all languages, grouped here)
    "einbrech*", "einbruch", "bricht ein", "umbringen", "break in*", "breaking in*",
    "broke in*", "burglar*", "intruder", "kill me", "kill us", "smell gas", "smells of gas",
    "smell of gas", "gas smell", "gas leak", "gasgeruch", "riecht nach gas", "gasleck",
    "cambrioleur*", "cambriol*", "me tuer", "odeur de gaz", "fuite de gaz", "sent le gaz",
    "ca sent le gaz", "hirsiz*",
    "oldurecek", "beni oldur*", "gaz kokusu", "gaz kaca*", "spargator*", "ma omoar*",
    "amenint*", "miros de gaz", "scurgere de gaz", "wlamywacz*", "wlamanie", "zabije",
    "zapach gazu", "ulatnia sie gaz", "czuc gaz", "czuc gazem", "smierdzi gazem",
    "bêhna gazê", "dikuje", "dê min bikuje", "tuug*",
    "i dili doonaya", "ur gaas", "hajdut*", "me vrasë", "me vrase", "vras*", "ere gazi",
    "kercen*", "грабител*", "взлом*", "ломится", "ломятся", "убью", "убьет", "убить",
    "запах газа", "пахнет газом", "утечка газа", "злодій", "вламу*", "вб'є", "вбє", "вбити",
    "запах газу", "пахне газом", "крадец", "разбива*", "ще ме убие", "мирише на газ",
    "миризма на газ", "لص", "حرامي", "يقتلني", "سيقتلني", "رائحة غاز", "ريحة غاز",
    "ريحة الغاز", "رائحة الغاز", "تسرب غاز", "تسرب الغاز",
    "دزد", "منو میکشه", "مرا میکشد", "بوی گاز", "نشت گاز", "ما وژني", "د ګاز بوی",
    "ሰራቒ", "ክቐትለኒ", "ሽታ ጋዝ",
    # falls from a height, blood everywhere, collapsing (all languages, grouped here)
    "vom balkon gefallen", "aus dem fenster gefallen", "viel blut", "überall blut",
    "zusammengebrochen", "kollabiert", "fell from the balcony", "fell off the balcony",
    "fell out of the window", "blood everywhere", "collapsed", "tombe du balcon",
    "tombee du balcon", "tombe de la fenetre", "du sang partout", "s est effondre",
    "balkondan dustu", "pencereden dustu", "kan icinde", "her yer kan", "yere yigildi",
    "a cazut de la balcon", "a cazut de pe balcon", "a cazut pe geam", "sange peste tot",
    "a lesinat", "spadl z balkonu", "spadla z balkonu", "wypadl z okna", "wypadla z okna",
    "wszedzie krew", "zemdlal*", "упал с балкона", "упала с балкона", "выпал из окна",
    "выпала из окна", "весь в крови", "вся в крови", "потерял сознание", "потеряла сознание",
    "впав з балкона", "впала з балкона", "випав з вікна", "випала з вікна", "весь у крові",
    "втратив свідомість", "втратила свідомість", "падна от балкона", "падна от прозореца",
    "цял в кръв", "припадна", "سقط من البلكون", "وقع من البلكون", "وقع من البلكونة",
    "وقع من الشباك", "دم كتير", "الدم بكل مكان", "از بالکن افتاد", "از پنجره افتاد",
    "غش کرد", "له بالکون ولوېد", "له کړکۍ ولوېد", "ka dhacay balakoonka", "dhiig badan",
    "ra ballkoni", "ra nga ballkoni", "ra nga dritarja", "gjak kudo", "ji balkonê ket",
    "ji pencereyê ket", "ካብ ባልኮኒ ወዲቑ", "ካብ መስኮት ወዲቑ",
    # seizures, a person not responding, hiding from a violent partner
    "krampfanfall", "convulsions", "seizure", "convulsii", "судороги", "судоми", "гърчове",
    "drgawki", "nobet geciriyor", "havale geciriyor", "تشنج", "reagiert nicht mehr",
    "not responding", "unresponsive", "nu reactioneaza", "nie reaguje", "ne reagit plus",
    "ne repond plus", "tepki vermiyor", "не реагує", "не реагирует", "не реагира",
    "чупи всичко", "заключих се", "locked myself in", "habe mich eingeschlossen",
    "заперлась", "заперся", "зачинилась", "зачинився",
    # smoke from a flat or a building
    "smoke coming", "smoke everywhere", "full of smoke", "smell smoke", "smells of smoke",
    "rauch kommt", "kommt rauch", "überall rauch", "voller rauch", "riecht nach rauch", "qualm",
    "идет дым", "идёт дым", "дым из", "пахнет дымом", "йде дим", "дим з", "пахне димом",
    "دخان طالع",
    "في دخان", "ريحة دخان", "دود میاد", "دود بلند", "بوی دود", "duman geliyor", "duman var",
    "duman kokusu", "iese fum", "miroase a fum", "leci dym", "dym z", "czuc dym", "sent la fumee",
    "de la fumee", "fumee sort", "излиза дим", "мирише на дим", "del tym", "ka tym",
    "dûman tê", "qiiq ayaa", "ትኪ ይወጽእ", "لوګی راوځي",
    # bleeding that does not stop
    "au secours", "kan akiyor", "kan durmuyor", "blutet stark", "кровь не останавливается",
    "кров не зупиняється", "الدم ما وقف", "الدم ما عم يوقف", "xwîn diherike",
    # romanised Russian, Ukrainian, Arabic, Persian
    "skoraya", "skoruyu", "politsiya", "politsiyu", "pozhar", "shvydka", "shvydku",
    "isaaf", "esaaf", "is3af", "shorta", "urjans", "orjans",
)  # fmt: skip

_ARABIC_PREFIXES = ("", "و", "ب", "ل", "ف", "ال", "وال", "بال", "لل", "فال")
# A word this short is taken after the article only: after a one-letter prefix it is too often
# part of another word (Pashto "باور", trust, is not "ب" + "اور", fire).
_SHORT_WORD = 3
_ARTICLES = ("ال", "وال", "بال", "لل", "فال")


class EmergencyDetector:
    """Spots emergency words in a normalised message, in any supported language."""

    __slots__ = ("_arabic", "_phrases", "_stems")

    def __init__(self, phrases: tuple[str, ...] = EMERGENCY_PHRASES) -> None:
        whole: set[str] = set()
        stems: set[str] = set()
        arabic: set[str] = set()
        for phrase in phrases:
            is_stem = phrase.endswith("*")
            form = normalise(phrase.rstrip("*"))
            if not form:
                continue
            if dominant_script(form) is Script.ARABIC and " " not in form:
                arabic.add(form)
            elif is_stem:
                stems.add(form)
            else:
                whole.add(form)
        self._phrases = tuple(sorted(whole))
        self._stems = tuple(sorted(stems))
        self._arabic = frozenset(arabic)

    def mentions_emergency(self, normalised: str) -> bool:
        """Whether the normalised text contains an emergency word or phrase."""
        padded = f" {normalised} "
        if any(f" {phrase} " in padded for phrase in self._phrases):
            return True
        if any(f" {stem}" in padded for stem in self._stems):
            return True
        return any(
            self._arabic_word(word[len(prefix) :], prefix)
            for word in normalised.split()
            for prefix in _ARABIC_PREFIXES
            if word.startswith(prefix) and len(word) > len(prefix)
        )

    def _arabic_word(self, rest: str, prefix: str) -> bool:
        if rest not in self._arabic:
            return False
        return not prefix or len(rest) > _SHORT_WORD or prefix in _ARTICLES
