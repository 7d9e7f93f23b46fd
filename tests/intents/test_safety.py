"""The safety layer on the bundled crisis words: each kind in all 16 languages, no false alarms."""

from __future__ import annotations

import pytest

from intents.safety import Certainty, SafetyDetector, SafetyRules, compile_pattern
from intents.tuning import load_safety_rules
from tests.intents.conftest import KNOWLEDGE


@pytest.fixture(scope="module")
def detector() -> SafetyDetector:
    return SafetyDetector(load_safety_rules(KNOWLEDGE))


CRISES = [
    # suicidal thoughts, direct and indirect
    ("de", "ich will einfach nicht mehr leben", "suicide"),
    ("de", "alle wären besser dran ohne mich", "suicide"),
    ("en", "i keep thinking everyone would be better off without me", "suicide"),
    ("en", "honestly i just want to end it tonight", "suicide"),
    ("uk", "я більше не хочу жити", "suicide"),
    ("uk", "ne khochu zhyty bilshe", "suicide"),
    ("ru", "думаю покончить с собой", "suicide"),
    ("ru", "ne hochu zhit voobshe", "suicide"),
    ("ar", "والله بدي انتحر ما عاد فيني", "suicide"),
    ("ar", "bdi ente7er", "suicide"),
    ("fa", "دیگه نمیخوام زندگی کنم", "suicide"),
    ("fa", "mikham bemiram", "suicide"),
    ("tr", "artık yaşamak istemiyorum", "suicide"),
    ("ro", "nu mai vreau sa traiesc", "suicide"),
    ("bg", "не искам да живея повече", "suicide"),
    ("pl", "nie chce juz zyc", "suicide"),
    ("ps", "زه غواړم ځان ووژنم", "suicide"),
    ("ku", "ez dixwazim xwe bikujim", "suicide"),
    ("so", "waxaan rabaa inaan dhinto", "suicide"),
    ("ti", "ክመውት እደሊ", "suicide"),
    ("sq", "nuk dua te jetoj me", "suicide"),
    ("fr", "je veux en finir, je suis fatigué de vivre", "suicide"),
    # self-harm
    ("de", "ich ritze mich wieder", "self_harm"),
    ("en", "i cut myself again last night", "self_harm"),
    ("ru", "я опять режу себя", "self_harm"),
    ("fr", "je me fais du mal", "self_harm"),
    # medical
    ("de", "mein opa ist umgekippt und atmet nicht", "medical"),
    ("en", "my baby is having a fit, shaking all over", "medical"),
    ("en", "think my flatmate overdosed, cant wake him up", "medical"),
    ("uk", "дитина не дихає", "medical"),
    ("ru", "папа без сознания", "medical"),
    ("ar", "امي مغمى عليها", "medical"),
    ("fa", "پسرم تشنج کرده", "medical"),
    ("tr", "babam nefes almıyor", "medical"),
    ("ro", "bunica nu mai respira", "medical"),
    ("bg", "баща ми получи инфаркт", "medical"),
    ("pl", "mama jest nieprzytomna", "medical"),
    ("ps", "زما پلار بې هوښه دی", "medical"),
    ("ku", "bavê min bêhiş bûye", "medical"),
    ("so", "gargaar! ilmaha ma neefsan karo", "medical"),
    ("ti", "ኣቦይ ስምዒቱ ስሒቱ", "medical"),
    ("sq", "nena nuk merr fryme", "medical"),
    ("fr", "mon fils a avalé tous les médicaments", "medical"),
    # fire and gas
    ("de", "im treppenhaus brennt es", "fire_gas"),
    ("en", "it smells of gas in the whole building", "fire_gas"),
    ("uk", "у квартирі пахне газом", "fire_gas"),
    ("ar", "في حريق بالبناية", "fire_gas"),
    ("tr", "mutfakta gaz kokusu var", "fire_gas"),
    ("pl", "czuć gaz na klatce", "fire_gas"),
    ("fr", "il y a le feu dans la cuisine", "fire_gas"),
    # violence at home
    ("de", "mein mann schlägt mich jeden abend", "domestic_violence"),
    ("en", "my husband hits me and i am hiding in the bathroom", "domestic_violence"),
    ("uk", "чоловік б'є мене", "domestic_violence"),
    ("ar", "زوجي يضربني", "domestic_violence"),
    ("fa", "شوهرم کتکم میزنه", "domestic_violence"),
    ("tr", "kocam beni dövüyor", "domestic_violence"),
    ("ro", "sotul meu ma bate", "domestic_violence"),
    ("bg", "мъжът ми ме бие", "domestic_violence"),
    ("ps", "مېړه مې ما وهي", "domestic_violence"),
    ("ku", "mêrê min li min dixe", "domestic_violence"),
    ("so", "ninkaygu wuu i garaacayaa", "domestic_violence"),
    ("ti", "ሰብኣየይ ይወቕዓኒ", "domestic_violence"),
    ("sq", "burri im me rreh", "domestic_violence"),
    ("fr", "mon mari me frappe", "domestic_violence"),
    # violence now
    ("en", "a man with a knife is outside our door", "violence"),
    ("de", "jemand bricht gerade bei uns ein", "violence"),
    ("ru", "кто-то ломится в дверь, угрожает мне", "violence"),
    ("pl", "ktoś się włamuje, ratunku", "violence"),
    # a child at risk
    ("de", "der nachbar schlägt seine kinder", "child_at_risk"),
    ("en", "my daughter is missing since this morning", "child_at_risk"),
    # what the emergency number is: information
    ("fr", "Quel est le numéro d'urgence ?", "info"),
    ("uk", "який екстрений номер у німеччині", "info"),
    ("de", "was ist die notrufnummer", "info"),
]


@pytest.mark.parametrize(("lang", "text", "kind"), CRISES)
def test_each_crisis_kind_is_recognised_surely(
    detector: SafetyDetector, lang: str, text: str, kind: str
) -> None:
    verdict = detector.assess(text)
    assert verdict.certainty is Certainty.SURE, (lang, text)
    assert verdict.kind == kind, (lang, text, verdict.kinds)


FALSE_ALARMS = [
    # dates, times and numbers
    "3 November", "3 نوفمبر", "3 грудня", "3 Januar", "am 3.11. um 10 uhr", "3 listopada",
    "3 noiembrie", "3 Kasım", "۳ آبان", "3 декември", "le 3 novembre", "3 nëntor",
    "44388", "110 euro", "ich wohne in der Feuerwehrstraße 12",
    # office words
    "polizeiliches Führungszeugnis beantragen",
    "i lost my passport, do i have to go to the police?",
    "ضاع جوازي لازم روح عالشرطة؟",
    "як отримати довідку про несудимість",
    "pasaportumu kaybettim polise gitmem gerekir mi",
    "zgubiłem paszport, czy muszę iść na policję?",
    "wo ist die Ausländerbehörde",
    # bills, debts and cut-off threats
    "DEW21 droht das Gas abzustellen",
    "DEW21 threatens to cut off the gas",
    "DEW21 погрожує відключити газ",
    "الشركة عم تهدد تقطع الغاز",
    "DEW21 gazı kesmekle tehdit ediyor",
    "DEW21 grozi odcięciem gazu",
    "ich habe eine Mahnung bekommen",
    # idioms
    "the deadline is killing me",
    "I'm dying to know when my appointment is",
    "this heat kills me",
    "die Hitze bringt mich um",
    "жара убивает меня",
    "la chaleur me tue",
    # flats and streets
    "flat for rent", "شقة للايجار", "wohnung zu vermieten", "rue de la Paix",
    # the past
    "my brother died in the war",
    "mein vater ist im krieg gestorben",
    # ordinary questions
    "wo muss ich mich anmelden",
    "ich brauche hilfe bei der anmeldung",
    "помогите пожалуйста с анмельдунг",
    "potrzebuję pomocy z meldunkiem",
    "ma ta zang wawahai",
    "ما ته زنګ ووهئ",
    "زه باور نه لرم",
    "kita platz 44388",
    "meldebescheinigung nereden alinir acil lazim",
    "Rendez-vous d'urgence chez le dentiste",
]  # fmt: skip


@pytest.mark.parametrize("text", FALSE_ALARMS)
def test_harmless_messages_raise_no_alarm(detector: SafetyDetector, text: str) -> None:
    verdict = detector.assess(text)
    assert verdict.certainty is Certainty.NONE, (text, verdict)


def test_bare_institution_words_are_only_unsure(detector: SafetyDetector) -> None:
    for text in ("police", "Polizei", "полиция", "feuer"):
        assert detector.assess(text).certainty is Certainty.UNSURE, text


def test_a_harmless_context_silences_unsure_words(detector: SafetyDetector) -> None:
    assert detector.assess("ich kann nicht mehr").certainty is Certainty.UNSURE
    assert detector.assess("ich kann nicht mehr, die Mahnung").certainty is Certainty.NONE


def test_the_encoder_alone_makes_unsure_never_sure(detector: SafetyDetector) -> None:
    none = detector.assess("mein Nachbar ist komisch")
    guessed = detector.with_model(none, "mein Nachbar ist komisch", model_says_emergency=True)
    assert (guessed.certainty, guessed.kind) == (Certainty.UNSURE, "emergency")
    calm = detector.assess("die Rechnung ist komisch")
    assert calm.calm
    assert detector.with_model(calm, "x y", model_says_emergency=True).certainty is Certainty.NONE
    alone = detector.assess("3 Januar")
    assert detector.with_model(alone, "3 januar", model_says_emergency=True) == alone


def test_the_most_urgent_kind_answers(detector: SafetyDetector) -> None:
    verdict = detector.assess("i took all my pills because i want to die")
    assert verdict.kind == "medical"
    assert "suicide" in verdict.kinds
    # Asking for the number next to a real danger is that danger, not information.
    assert detector.assess("what is the police number, my husband hits me").kind == (
        "domestic_violence"
    )


@pytest.mark.parametrize(
    "text", ["ja", "Ja, bitte!", "yes", "да", "так", "نعم", "evet", "tak", "po", "haa", "እወ"]
)
def test_yes_to_the_danger_question(detector: SafetyDetector, text: str) -> None:
    assert detector.is_yes(text)


@pytest.mark.parametrize("text", ["nein", "no", "ich weiß ja nicht", "3 November"])
def test_no_yes(detector: SafetyDetector, text: str) -> None:
    assert not detector.is_yes(text)


def test_pattern_syntax() -> None:
    rules = SafetyRules(
        groups={"person": ("mein mann", "er")},
        sure={"domestic_violence": ("{person} ... schlägt",), "fire_gas": ("rauch*",)},
    )
    detector = SafetyDetector(rules)
    assert detector.assess("mein Mann schlägt").kind == "domestic_violence"
    assert detector.assess("er hat mich gestern schon wieder geschlagen").kind is None
    assert detector.assess("mein mann er schlägt").kind == "domestic_violence"
    assert detector.assess("überall Rauchgeruch").kind == "fire_gas"
    assert detector.assess("verrauchte Kneipe").kind is None  # word boundaries


def test_violating_is_not_viol_and_arabic_prefixes_need_a_long_word() -> None:
    rules = SafetyRules(sure={"violence": ("viol", "اور"), "medical": ("نزيف",)})
    detector = SafetyDetector(rules)
    assert detector.assess("violating the rules").kind is None
    assert detector.assess("باور").kind is None  # Pashto "trust": not ب + اور
    assert detector.assess("والنزيف").kind == "medical"


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        ("{nobody} hits", "unknown group"),
        ("ab*", "too short"),
        ("... hits", "needs a word before and after"),
        ("hits ...", "needs a word before and after"),
        ("!!!", "no letters or digits"),
    ],
)
def test_bad_patterns_say_what_is_wrong(pattern: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        compile_pattern(pattern, {"person": ("he",)})


def test_anchored_patterns_need_the_whole_message(detector: SafetyDetector) -> None:
    assert detector.assess("112").kind == "emergency"
    assert detector.assess("112!").kind == "emergency"
    assert detector.assess("110 euro").certainty is Certainty.NONE


# Children in danger, said by a parent, a neighbour or the child: missing, locked in, beaten,
# swallowed something or fell. A fall or a swallowed battery may answer as medical (112 too).
CHILDREN = [
    ("de", "mein sohn ist seit heute mittag verschwunden, ich finde ihn nirgends"),
    ("de", "die nachbarn lassen ihr kleines kind allein eingesperrt in der wohnung"),
    ("de", "mein stiefvater schlägt mich und meine kleine schwester"),
    ("de", "meine tochter hat putzmittel getrunken"),
    ("en", "my 4 year old swallowed a battery"),
    ("en", "the kid next door is locked in alone for days and crying"),
    ("en", "my son didnt come home from school and we cant find him"),
    ("en", "my stepdad hurts me and my little sister"),
    ("en", "my toddler fell down the stairs and is not crying"),
    ("uk", "моя донька зникла, не можу її знайти"),
    ("uk", "сусіди б'ють свою дитину"),
    ("uk", "дитина проковтнула таблетки"),
    ("ru", "пропал ребенок, ему 6 лет"),
    ("ru", "сосед бьет своего сына"),
    ("ru", "ребенок один заперт в квартире и плачет"),
    ("ar", "ابني ضايع من الصبح ما لقيناه"),
    ("ar", "الجيران عم يضربوا ابنهم كل يوم"),
    ("ar", "بنتي بلعت دوا"),
    ("ar", "ibni da3 w ma la2ena"),
    ("fa", "بچه\u200cام گم شده"),
    ("fa", "همسایه بچه\u200cشو کتک میزنه"),
    ("fa", "bacham gom shode"),
    ("tr", "oğlum kayboldu bulamıyoruz"),
    ("tr", "komşu çocuğunu dövüyor"),
    ("tr", "çocuk evde yalnız kilitli kalmış"),
    ("ro", "copilul meu a disparut"),
    ("ro", "vecinul isi bate copilul"),
    ("ro", "fetita a inghitit o baterie"),
    ("bg", "детето ми изчезна"),
    ("bg", "съседът бие детето си"),
    ("pl", "moje dziecko zaginęło"),
    ("pl", "sąsiad bije swoje dziecko"),
    ("pl", "dziecko połknęło baterię"),
    ("ps", "زما ماشوم ورک دی"),
    ("ps", "ګاونډی خپل ماشوم وهي"),
    ("ps", "zama mashom wrak dai"),
    ("ku", "zarokê min winda bûye"),
    ("ku", "cîran li zarokê xwe dixe"),
    ("ku", "mndalakam win bwa"),
    ("so", "ilmahaygii waa lumay"),
    ("so", "deriskii ayaa ilmihiisa garaacaya"),
    ("ti", "ወደይ ጠፊኡ"),
    ("ti", "ጎረቤት ንውላዱ ይወቕዖ"),
    ("sq", "femija im ka humbur"),
    ("sq", "fqinji e rreh femijen e tij"),
    ("fr", "mon fils a disparu depuis ce matin"),
    ("fr", "le voisin frappe son enfant"),
    ("fr", "un enfant est enfermé seul dans l'appartement"),
]


@pytest.mark.parametrize(("lang", "text"), CHILDREN)
def test_a_child_in_danger_is_sure(detector: SafetyDetector, lang: str, text: str) -> None:
    verdict = detector.assess(text)
    assert verdict.certainty is Certainty.SURE, (lang, text)
    assert verdict.kind in ("child_at_risk", "medical", "domestic_violence"), (
        lang,
        text,
        verdict.kinds,
    )


# Indirect and colloquial suicidal messages: wanting it all to end, a plan for tonight, pills
# ready, nobody would miss me, rather not wake up, farewells; also in romanised forms.
INDIRECT_SUICIDE = [
    ("en", "i cant take it anymore i want it all to end"),
    ("en", "tonight i will end it"),
    ("en", "i have the pills ready"),
    ("en", "nobody would even notice if i was gone"),
    ("en", "id rather not wake up tomorrow"),
    ("en", "this is my goodbye to you all"),
    ("de", "ich kann nicht mehr, ich will dass alles aufhört"),
    ("de", "heute nacht mache ich schluss"),
    ("de", "die tabletten liegen schon bereit"),
    ("de", "niemand würde mich vermissen"),
    ("de", "ich will einfach nicht mehr aufwachen"),
    ("de", "das ist mein abschied"),
    ("uk", "я більше не можу, хочу щоб все закінчилося"),
    ("uk", "сьогодні вночі я покінчу з цим"),
    ("uk", "ніхто за мною не сумуватиме"),
    ("uk", "краще б я не прокинувся"),
    ("uk", "prosto ne khochu prokydatys"),
    ("ru", "я больше не могу, хочу чтобы все закончилось"),
    ("ru", "сегодня ночью я все закончу"),
    ("ru", "таблетки уже приготовил"),
    ("ru", "никто по мне не заплачет"),
    ("ru", "лучше бы я не проснулся"),
    ("ru", "я прощаюсь со всеми"),
    ("ru", "ya bolshe ne mogu, hochu chtoby vse zakonchilos"),
    ("ar", "ما عاد فيني اتحمل بدي خلص من هالحياة"),
    ("ar", "الليلة رح انهي كل شي"),
    ("ar", "الحبوب جاهزة عندي"),
    ("ar", "ما حدا رح يشتاقلي"),
    ("ar", "يا ريت ما اصحى بكرا"),
    ("ar", "هذه رسالتي الأخيرة، وداعا"),
    ("ar", "ma 3ad fini, bdi khalles 3a 7ayati"),
    ("fa", "دیگه نمیتونم، میخوام همه چی تموم شه"),
    ("fa", "امشب تمومش میکنم"),
    ("fa", "قرصا رو آماده کردم"),
    ("fa", "هیچکس دلش برام تنگ نمیشه"),
    ("fa", "کاش فردا بیدار نشم"),
    ("fa", "dige nemitunam, mikham hame chi tamum she"),
    ("tr", "artık dayanamıyorum, her şey bitsin istiyorum"),
    ("tr", "bu gece her şeye son vereceğim"),
    ("tr", "ilaçları hazırladım"),
    ("tr", "beni kimse özlemez"),
    ("tr", "keşke sabah uyanmasam"),
    ("tr", "herkese veda ediyorum"),
    ("ro", "nu mai pot, vreau sa se termine totul"),
    ("ro", "in seara asta pun capat la tot"),
    ("ro", "nimanui nu i-ar fi dor de mine"),
    ("ro", "as vrea sa nu ma mai trezesc"),
    ("bg", "не издържам повече, искам всичко да свърши"),
    ("bg", "тази вечер ще сложа край"),
    ("bg", "на никого няма да му липсвам"),
    ("bg", "по-добре да не се събудя"),
    ("pl", "nie daję już rady, chcę żeby to wszystko się skończyło"),
    ("pl", "dziś w nocy z tym skończę"),
    ("pl", "nikt by za mną nie tęsknił"),
    ("pl", "wolałbym się nie obudzić"),
    ("pl", "żegnam się z wami"),
    ("ps", "نور نشم زغملی، غواړم هر څه پای ته ورسېږي"),
    ("ps", "نن شپه به هر څه ختم کړم"),
    ("ps", "هیڅوک به زما کمی احساس نه کړي"),
    ("ps", "کاش سبا را ویښ نه شم"),
    ("ps", "nor nashm zghamalay, ghwaram mur sham"),
    ("ku", "ez êdî nikarim, dixwazim her tişt biqede"),
    ("ku", "îşev ez ê dawî li jiyana xwe bînim"),
    ("ku", "kes bêriya min nake"),
    ("ku", "xwezî ez sibê şiyar nebim"),
    ("ku", "ئیتر ناتوانم، دەمەوێت خۆم بکوژم"),
    ("so", "ma sii adkaysan karo, waxaan rabaa in wax walba dhammaadaan"),
    ("so", "caawa ayaan naftayda dilayaa"),
    ("so", "qofna ima xusuusan doono"),
    ("ti", "ሎሚ ለይቲ ህይወተይ ክውድኣ እየ"),
    ("ti", "ክመውት ደልየ"),
    ("sq", "nuk duroj me, dua qe te mbaroje gjithcka"),
    ("sq", "sonte do i jap fund"),
    ("sq", "askush nuk do me merrte malli"),
    ("sq", "me mire te mos zgjohem me"),
    ("fr", "j'en peux plus, je veux que tout s'arrête"),
    ("fr", "ce soir j'en finis"),
    ("fr", "j'ai préparé les médicaments, c'est fini"),
    ("fr", "personne ne me regrettera"),
    ("fr", "je préférerais ne pas me réveiller"),
    ("fr", "je vous dis adieu à tous"),
]


@pytest.mark.parametrize(("lang", "text"), INDIRECT_SUICIDE)
def test_indirect_suicidal_messages_are_sure(
    detector: SafetyDetector, lang: str, text: str
) -> None:
    verdict = detector.assess(text)
    assert verdict.certainty is Certainty.SURE, (lang, text)
    assert verdict.kind == "suicide", (lang, text, verdict.kinds)


SELF_HARM = [
    ("en", "i keep cutting my arms"),
    ("en", "i burned myself with a cigarette on purpose"),
    ("en", "i stopped eating to punish myself"),
    ("de", "ich schneide mir die arme auf"),
    ("de", "ich verletze mich selbst"),
    ("de", "ich esse nichts mehr um mich zu bestrafen"),
    ("uk", "я ріжу собі руки"),
    ("uk", "я завдаю собі болю"),
    ("ru", "я режу руки"),
    ("ru", "я причиняю себе боль"),
    ("ru", "ya rezhu sebya"),
    ("ar", "عم جرح حالي"),
    ("ar", "بأذي نفسي"),
    ("ar", "ba2zi nafsi"),
    ("fa", "به خودم آسیب میزنم"),
    ("fa", "دستمو با تیغ بریدم"),
    ("tr", "kendime zarar veriyorum"),
    ("tr", "kollarımı jiletle kesiyorum"),
    ("ro", "ma tai pe maini"),
    ("ro", "imi fac rau singur"),
    ("bg", "режа се"),
    ("bg", "самонаранявам се"),
    ("pl", "tnę się"),
    ("pl", "robię sobie krzywdę"),
    ("ps", "ځان ته زیان رسوم"),
    ("ps", "خپل لاسونه پرې کوم"),
    ("ku", "ez xwe birîndar dikim"),
    ("ku", "ez zirarê didim xwe"),
    ("so", "waan is gooyaa"),
    ("so", "naftayda ayaan waxyeeleeyaa"),
    ("ti", "ንርእሰይ እጎድእ እየ"),
    ("sq", "i bej keq vetes"),
    ("sq", "e lendoj veten"),
    ("fr", "je me scarifie"),
    ("fr", "je me coupe les bras"),
    ("fr", "j'arrête de manger pour me punir"),
]


@pytest.mark.parametrize(("lang", "text"), SELF_HARM)
def test_self_harm_in_plain_words_is_sure(detector: SafetyDetector, lang: str, text: str) -> None:
    verdict = detector.assess(text)
    assert verdict.certainty is Certainty.SURE, (lang, text)
    assert verdict.kind in ("self_harm", "suicide"), (lang, text, verdict.kinds)


# Someone with a knife at the door, being followed and threatened, a fight happening now.
THREATS_NOW = [
    ("en", "there is a guy with a knife outside my door"),
    ("en", "some man is following me and threatening me"),
    ("en", "theres a fight outside right now, someone is bleeding"),
    ("de", "vor meiner tür steht ein mann mit einem messer"),
    ("de", "ein mann verfolgt mich und bedroht mich"),
    ("ar", "في واحد معه سكين قدام الباب"),
    ("ar", "في شخص عم يلحقني ويهددني"),
    ("ps", "یو سړی له چاړې سره زما د دروازې مخې ته ولاړ دی"),
    ("ps", "یو څوک زما پسې راځي او ګواښ کوي"),
    ("ku", "zilamek bi kêr li ber derî ye"),
    ("ku", "kesek li pey min tê û gef li min dixwe"),
    ("ru", "за мной кто-то идет и угрожает"),
    ("ru", "у двери мужик с ножом"),
    ("tr", "kapının önünde bıçaklı bir adam var"),
    ("tr", "biri beni takip ediyor ve tehdit ediyor"),
    ("fa", "یه مرد با چاقو پشت دره"),
    ("fa", "یکی داره تعقیبم میکنه و تهدیدم میکنه"),
    ("fr", "un homme avec un couteau devant ma porte"),
    ("fr", "quelqu'un me suit et me menace"),
    ("pl", "facet z nożem stoi pod drzwiami"),
    ("pl", "ktoś mnie śledzi i grozi mi"),
    ("uk", "за мною хтось іде і погрожує"),
    ("so", "nin mindi wata ayaa albaabka taagan"),
    ("sq", "nje burre me thike eshte para deres"),
    ("sq", "dikush me ndjek dhe me kercenon"),
    ("ro", "un barbat cu un cutit e la usa"),
    ("ro", "cineva ma urmareste si ma ameninta"),
    ("bg", "мъж с нож стои пред вратата"),
    ("bg", "някой ме следи и ме заплашва"),
    ("ti", "ሓደ ሰብኣይ ካራ ሒዙ ኣብ ማዕጾ ኣሎ"),
]


@pytest.mark.parametrize(("lang", "text"), THREATS_NOW)
def test_a_threat_now_is_sure(detector: SafetyDetector, lang: str, text: str) -> None:
    verdict = detector.assess(text)
    assert verdict.certainty is Certainty.SURE, (lang, text)
    assert verdict.kind in ("violence", "domestic_violence", "medical"), (
        lang,
        text,
        verdict.kinds,
    )


# Idioms of dying and killing, a death in the past mentioned with paperwork, a lost document.
HARMLESS_DEATH_WORDS = [
    "ich lach mich tot über diesen brief",
    "I'm dying of boredom in this waiting room",
    "je meurs d'ennui à la préfecture",
    "умираю от скуки в этой очереди",
    "помираю зі сміху",
    "gülmekten öldüm",
    "umieram z nudów w kolejce",
    "am murit de ras",
    "умирам от смях",
    "از خنده مردم",
    "متت من الضحك",
    "this form is killing me",
    "bu bürokrasi beni öldürüyor",
    "ta biurokracja mnie zabija",
    "cette paperasse me tue",
    "ця бюрократія мене вбиває",
    "I could kill for a coffee",
    "my father died last year, I need his death certificate for the job center",
    "mein Mann ist letztes Jahr gestorben, welche Papiere brauche ich für die Witwenrente",
    "мой муж умер в прошлом году, какие документы нужны",
    "زوجي توفي السنة الماضية، شو الأوراق المطلوبة",
    "پدرم پارسال فوت کرد، برای گواهی فوت چه مدارکی لازمه",
    "babam geçen yıl vefat etti, hangi belgeler lazım",
    "mój ojciec zmarł w zeszłym roku, jakie dokumenty są potrzebne",
    "mon père est décédé l'année dernière, quels papiers faut-il",
    "tata a murit anul trecut, ce acte trebuie",
    "баща ми почина миналата година, какви документи трябват",
    "мій батько помер минулого року, які документи потрібні",
    "babai im vdiq vitin e kaluar, cfare dokumentesh duhen",
    "bavê min par mir, kîjan belge lazim in",
    "my mother passed away in Syria, how do I get the death certificate translated",
    "ich habe meinen Aufenthaltstitel verloren",
    "I lost my residence permit, what do I do",
    "я потеряла паспорт",
    "ضيعت الإقامة تبعي",
    "kimliğimi kaybettim",
    "zgubiłam kartę pobytu",
    "j'ai perdu mon titre de séjour",
    "مدارکم گم شده",
    "mein Sohn hat seinen Ausweis verloren",
    "my son lost his school ID card",
    "ابني ضيع جواز سفره",
    "kind allein zuhause ab welchem alter erlaubt",
]


@pytest.mark.parametrize("text", HARMLESS_DEATH_WORDS)
def test_idioms_past_deaths_and_lost_papers_raise_no_alarm(
    detector: SafetyDetector, text: str
) -> None:
    verdict = detector.assess(text)
    assert verdict.certainty is Certainty.NONE, (text, verdict.kinds)


# More everyday wordings of the same dangers, each said once.
MORE_DANGERS = [
    "please help my little boy is locked in the car and its hot",
    "my daughter (7) has not come back from school, its 8pm",
    "i think the neighbours hit their kids, i hear screaming every night",
    "my dad beats me when he is drunk, i am 13",
    "mein Kind hat Tabletten von der Oma geschluckt",
    "unser Sohn ist weg, seit dem Spielplatz sehen wir ihn nicht mehr",
    "ابني وقع من الدرج وما عم يحكي",
    "بنتي ضاعت بالسوق",
    "زما زوی له سهار راهیسې ورک دی",
    "کوچنی ماشوم یې په کور کې یوازې پرېښی",
    "kurê min ji sibê ve winda ye",
    "zarokê cîranan her roj tê lêdan",
    "i'm done. tonight is the night. thank you for everything",
    "everyone would be happier if i disappeared",
    "i just want to sleep and not wake up again",
    "ich hab keine kraft mehr, ich will dass es endlich vorbei ist",
    "بدي نام وما اصحى ابدا",
    "خلص تعبت، الليلة رح خلص من كل شي",
    "نور نه شم، غواړم مړ شم",
    "ez naxwazim êdî bijîm, bes e",
    "ya ustal ot zhizni, hochu umeret",
    "i've been cutting again",
    "ich ritze mich seit wochen",
    "kendimi yaraliyorum",
    "خودمو میزنم تا خون بیاد",
    "a man with a knife is banging on our door",
    "someone is following me home and says he will hurt me",
    "draußen vor dem Haus wird gerade mit einem Messer gekämpft",
    "يوجد رجل يحمل سكين عند الباب",
    "یو سړی چاړه لري او زموږ دروازه ټکوي",
]


@pytest.mark.parametrize("text", MORE_DANGERS)
def test_everyday_wordings_of_danger_are_sure(detector: SafetyDetector, text: str) -> None:
    assert detector.assess(text).certainty is Certainty.SURE, text


# Children, pills, farewells and "I can't anymore" in ordinary questions: never a sure alarm.
ORDINARY_WITH_DANGER_WORDS = [
    "my son needs a kita place, i cant find one",
    "i cant find my daughter's kindergarten form",
    "ich finde keinen kita platz für mein kind",
    "ich habe schluss gemacht mit meinem freund",
    "my husband hurt his back at work, can he get sick pay",
    "tabletten gegen kopfschmerzen wo kaufen",
    "where can i buy pills for headache",
    "mein sohn hat seinen schlüssel verloren",
    "my baby fell asleep, can we still come to the appointment",
    "kinder allein zu hause ab welchem alter",
    "the children are home alone after school, is there a hort",
    "ich kann nicht mehr warten, wann kommt mein termin",
    "i cant take it anymore with this landlord, how do i complain",
    "I want this to end, the process takes too long - when is my Aufenthaltstitel ready",
    "wir verabschieden uns von dem alten vertrag",
    "goodbye and thank you",
    "الحبوب تبع الضغط خلصت وين فيني اشتري",
    "my child fell ill, need a paediatrician",
    "mama, papa und ich suchen eine Wohnung",
    "baba ve annem ziyarete geliyor, vize lazim",
    "kocam ile bir ev ariyoruz",
    "ich habe mich für den kurs angemeldet und bin traurig dass er vorbei ist",
    "the job is killing me but i need help with taxes",
    "my grandmother died in 2019, do I need her death certificate",
    "mein kind hat die bescheinigung verloren",
    "ابني ضيع الكرت",
    "dziecko zgubiło legitymację",
    "zarokê min kartê xwe winda kir",
]


@pytest.mark.parametrize("text", ORDINARY_WITH_DANGER_WORDS)
def test_ordinary_questions_with_danger_words_are_not_sure(
    detector: SafetyDetector, text: str
) -> None:
    verdict = detector.assess(text)
    assert verdict.certainty is not Certainty.SURE, (text, verdict.kinds)


# Romanised Pashto, Arabic and Russian, Sorani, and plans said without the word "suicide".
MORE_DANGERS_ROMANISED_AND_PLANS = [
    "zama zra dak shawi, nor nashm, ghwaram zan wazhnam",
    "ma ghwaram che zhwandai pate sham",
    "da zama wrostai paigham dai, khuday pamaan",
    "زه نور ژوند نه غواړم، ټول به زما نه خلاص شي",
    "زما لور له ښوونځي نه دی راغلې او موبایل یې بند دی",
    "ماشوم مې دوا خوړلې ده",
    "ez ê îşev xwe bikujim",
    "êdî tehemula min nemaye, dixwazim bimirim",
    "xatirê we, ev peyama min a dawî ye",
    "کوڕەکەم ون بووە",
    "ئیتر ناتوانم بژیم",
    "ana ta3ban kteer, bade mout",
    "bdi 5allis 7ayati",
    "ما في حدا رح يزعل إذا رحت",
    "الليلة آخر ليلة إلي",
    "بدي جرح حالي كمان مرة",
    "ابني بلع شي وعم يختنق",
    "i swear this is my last night",
    "i wrote letters to my family, i wont need anything anymore",
    "i hurt myself again last night with a razor",
    "my little brother swallowed bleach",
    "there's a guy with a gun in the street",
    "someone is trying to stab my brother",
    "mein nachbar droht mir mit einem messer",
    "kto-to s nozhom stoit u dveri",
    "bir adam bana bıçak çekti",
    "مردی با چاقو دنبالمه",
    "mi-e frica, cineva ma urmareste cu un cutit",
    "je n'ai plus envie de vivre, j'ai tout préparé",
    "nie chcę się już budzić",
    "ne iskam da zhiveya poveche",
]


@pytest.mark.parametrize("text", MORE_DANGERS_ROMANISED_AND_PLANS)
def test_romanised_and_planned_dangers_are_sure(detector: SafetyDetector, text: str) -> None:
    assert detector.assess(text).certainty is Certainty.SURE, text


# Hunger, tiredness and laughter idioms, a relative who died, a lost passport: no alarm.
CALM_IDIOMS_DEATHS_AND_LOST_PAPERS = [
    "I nearly died laughing at the bus driver",
    "ich sterbe vor hunger, wo ist die mensa",
    "помираю з голоду, де найближчий супермаркет",
    "öldüm yorgunluktan, randevu ne zaman",
    "قتلني الانتظار بالمكتب",
    "je suis mort de fatigue après le rendez-vous",
    "umieram z głodu",
    "my mother died in syria, i need a certificate for the registry office",
    "mein Bruder ist vor zwei Jahren gestorben, brauche ich die Sterbeurkunde",
    "زما ورور په جګړه کې مړ شو، اوس اسناد غواړم",
    "birayê min par mir, ji bo belgeyan çi lazim e",
    "aabahay wuu dhintay, waxaan u baahanahay warqad",
    "i lost my passport and my residence card",
    "ضاع جواز سفري بالباص",
    "پاسپورټ مې ورک شو",
    "pasaporta min winda bû",
    "baasaboorkaygii waa lumay",
    "e humba pasaporten",
    "am pierdut buletinul",
    "изгубих си личната карта",
]


@pytest.mark.parametrize("text", CALM_IDIOMS_DEATHS_AND_LOST_PAPERS)
def test_more_idioms_deaths_and_lost_papers_raise_no_alarm(
    detector: SafetyDetector, text: str
) -> None:
    verdict = detector.assess(text)
    assert verdict.certainty is Certainty.NONE, (text, verdict.kinds)


@pytest.mark.parametrize(
    "text", ["this form is killing me", "له خندا مړ شوم", "ich lach mich tot über den Brief"]
)
def test_an_idiom_keeps_the_encoder_from_guessing_danger(
    detector: SafetyDetector, text: str
) -> None:
    verdict = detector.assess(text)
    assert verdict.certainty is Certainty.NONE and verdict.calm
    assert detector.with_model(verdict, text, model_says_emergency=True) == verdict


def test_an_idiom_does_not_silence_other_unsure_words(detector: SafetyDetector) -> None:
    verdict = detector.assess("i cant take it anymore, this form is killing me")
    assert (verdict.certainty, verdict.kind) == (Certainty.UNSURE, "suicide")


# Medical emergencies in plain words: a birth under way, asthma, a stroke's drooping face.
MORE_MEDICAL = [
    "my wife is in labour, the baby is coming now",
    "he is having an asthma attack and the inhaler doesnt help",
    "my father hit his head and keeps vomiting",
    "her face is drooping and she cant speak properly",
    "baby has high fever and is very floppy",
    "meine Frau bekommt das Baby, die Wehen kommen schnell",
    "mein Vater hat starke Schmerzen in der Brust",
    "زوجتي عم تولد هلق",
    "ابوي ما عم يقدر يتنفس منيح",
    "میړه مې ساه نشي ایستلی",
    "bavê min nikare bêhnê bigire",
    "моя жена рожает прямо сейчас",
    "dziecko ma drgawki",
    "nena ime ra dhe nuk ngrihet",
]


@pytest.mark.parametrize("text", MORE_MEDICAL)
def test_plain_medical_emergencies_are_sure(detector: SafetyDetector, text: str) -> None:
    verdict = detector.assess(text)
    assert (verdict.certainty, verdict.kind) == (Certainty.SURE, "medical"), (text, verdict.kinds)


FIRE_SAFETY_AT_HOME = [
    ("de", "nächste woche ist brandschutzkontrolle bei uns im haus, muss ich zuhause sein"),
    ("de", "unser rauchmelder piept dauernd, wahrscheinlich ist die batterie leer"),
    ("en", "there is a fire drill at my son's school tomorrow, what should he bring"),
    ("en", "the smoke detector in the hall beeps, i think the battery needs changing"),
    ("uk", "у нас завтра пожежна перевірка в гуртожитку, що треба підготувати"),
    ("ru", "в общежитии пожарная проверка в пятницу, надо быть дома?"),
    ("tr", "apartmanda yangın tatbikatı var, ne yapmam gerekiyor"),
    ("pl", "w bloku jest kontrola przeciwpożarowa, czy muszę być w domu"),
    ("ro", "detectorul de fum face bip, trebuie schimbata bateria"),
    ("ar", "كاشف الدخان بالمطبخ بيصفر، لازم نغير البطارية"),
]


@pytest.mark.parametrize(("lang", "text"), FIRE_SAFETY_AT_HOME)
def test_a_fire_safety_check_or_a_smoke_detector_battery_is_no_fire(
    detector: SafetyDetector, lang: str, text: str
) -> None:
    assert detector.assess(text).certainty is Certainty.NONE, lang


@pytest.mark.parametrize(
    "text",
    [
        "der rauchmelder piept und es brennt in der küche",
        "smoke detector went off, there is a fire in the kitchen",
        "пожежна перевірка була вчора, а зараз у під'їзді пожежа",
    ],
)
def test_a_real_fire_beside_those_words_is_still_a_fire(
    detector: SafetyDetector, text: str
) -> None:
    verdict = detector.assess(text)
    assert verdict.certainty is Certainty.SURE and verdict.kind == "fire_gas"
