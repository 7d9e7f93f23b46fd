"""Hand-made word lists per language: function words and common words written in Latin letters.

They back up language identification where the character model is weak: very short messages,
Kurmanji and Somali, and Arabic, Persian, Pashto, Russian, Ukrainian and Bulgarian typed in
Latin letters. Words are in normalised form (lower case, no diacritics).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


FUNCTION_WORDS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "de": _words(
            "ich du wir mein meine meinen wo wie was wann warum und ist das der die den dem "
            "ein eine einen nicht bitte kann konnen muss brauche habe gibt es sie er mich mir "
            "fur mit bei zum zur auf hallo danke ja nein kind kinder frau mann sprechen "
            "deutsch gibt hier dort jemand hilfe auch noch schon sind haben will mochte"
        ),
        "en": _words(
            "i you we my where how what when why and is the a an not please can could must "
            "need have do does it me for with at to of on hello hi thanks thank yes no child "
            "children wife husband speak german here there someone help also want would"
        ),
        "fr": _words(
            "je tu nous mon ma mes ou comment quoi quand pourquoi et est le la les un une pas "
            "merci bonjour salut oui non pour avec besoin puis peux dois enfant enfants femme "
            "mari parler allemand ici quelqu aide aussi veux voudrais sil vous plait dans"
        ),
        "tr": _words(
            "ben sen biz benim nerede nasil ne neden zaman ve bir degil lutfen icin ile "
            "merhaba selam tesekkurler tesekkur ederim evet hayir lazim var yok istiyorum "
            "cocuk cocugum esim almanca konusmak burada yardim da mi mu misiniz nereye"
        ),
        "ro": _words(
            "eu tu noi meu mea unde cum ce cand de ce si este e un o nu va rog pentru cu buna "
            "ziua multumesc da am nevoie pot trebuie copil copilul sotia sotul germana "
            "vorbesc aici cineva ajutor vreau as sa ma"
        ),
        "pl": _words(
            "ja ty my moj moja gdzie jak co kiedy dlaczego i jest nie prosze dla z dzien dobry "
            "dziekuje tak potrzebuje moge musze dziecko dzieci zona maz niemiecki mowic tu "
            "ktos pomoc tez chce chcialbym sie mam czesc"
        ),
        "ku": _words(
            "ez tu em min te wi li ku dere cawa ci kengi cima u e ye yek na ne ji kerema xwe "
            "bo bi silav spas bele ere heye tune dixwazim zarok zaroka zarokan jina jin mer "
            "almani biaxivim vir kesek alikari jî jî dikarim divê dive ka nizanim ez im "
            "hewce hewcedariya mera min bike bikim dibe"
        ),
        "so": _words(
            "waxaan waxaad waa aan ma maxaa xagee halkee sidee goorma maxay iyo ku ka la u oo "
            "ayaa ahay rabaa doonayaa mahadsanid haa maya salaan caawimo ilmaha ilmo xaaska "
            "af jarmal baran kara karaa sida aad iga ii igu caruur carruurta qof halkan "
            "naag ninka hooyo aabo hadlo ubad ubadka"
        ),
        "sq": _words(
            "une ti ne im ime ku si cfare kur pse dhe eshte nje nuk ju lutem per me "
            "pershendetje faleminderit po jo kam nevoje mund duhet femija femijet gruaja "
            "burri gjermanisht flas ketu dikush ndihme gjithashtu dua deshiroj"
        ),
        "ru": _words(
            "я ты мы мой моя где как что когда почему и это не пожалуйста для с здравствуйте "
            "привет спасибо да нет мне нужно надо хочу можно ребенок ребенка дети жена муж "
            "немецкий говорить здесь кто то помощь тоже вы меня у есть"
        ),
        "uk": _words(
            "я ти ми мій моя де як що коли чому і це не будь ласка для з добрий день привіт "
            "дякую так ні мені потрібно треба хочу можна дитина дитини діти дружина чоловік "
            "німецька говорити тут хтось допомога теж ви мене у є"
        ),
        "bg": _words(
            "аз ти ние моят моята къде как какво кога защо и това не моля за с здравейте "
            "благодаря да не ми трябва искам може дете детето деца съпруга съпруг немски "
            "говоря тук някой помощ също вие мен имам е"
        ),
    }
)

# Words that show a language written in Latin letters (Arabizi, Finglish, translit).
ROMANISED_WORDS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "ar": _words(
            "ana ayna ayn wein wen fein fen kaif keef kif shukran shokran marhaba ahlan "
            "bidi biddi beddi ureed areed abgha mumkin momken atfal tifl walad wlad ibni "
            "bint zawjati mawid mawed madrasa musaada mosaada naam aiwa fi ala hal kayfa "
            "mata lugha almaniya almani tasjil shu shou eish aysh lazem lazim baddi ma3 "
            "3ala maw3id ya3ni akhi habibi inshallah wallah hada hadi hay el al yom yawm wala "
            "balash bbalash mish msh mesh kam 3ndi 3andi enta anta ente inta hayda hek kteer "
            "ktir shwaye bas lesh leish feen emta imta ba3d bukra bokra ams mafi fi mafeesh "
            "wein ween ibn zawji marti jozi ahl bet beit sho shlon chlon 3amel a3mel n3mel "
            "ta3lim dawra kurs madrase tabib tabeeb masari flous floos"
        ),
        "fa": _words(
            "man mikham mikhaham mikhastam koja kojast chetori chetor mersi mamnoon "
            "mamnun kheili kheyli mitunam mitavanam bacheh bache bachem madrese komak "
            "lotfan baraye chi kei key ast hast nist zanam hamsaram zaban sabt vaght "
            "nobat khune khane dari farsi bayad mishe mishavad kojaa ro ra chand chera "
            "hastam hastim daram dari darim nadaram mikhay mikhaim begiram konam konim "
            "kardam shode shod pesar dokhtar shohar hamsar khanom agha doktor kelas "
            "dars yad begir khodahafez mochakeram merci tashakor"
        ),
        "ps": _words(
            "za ze zma zama chirta cherta sanga tsanga tsa tse kala mehrabani manana "
            "dera ghwaram ghwarm zoy lur khaza mor plar kawalay shi sta stalai pashto "
            "paxto zoi zamung zmong kawam ghwarem kegi"
        ),
        "ru": _words(
            "ya gde kak chto shto kogda mne nuzhno nado khochu hochu privet spasibo "
            "pozhaluysta pojaluista zdravstvuyte rebenok rebenka zhena zheny mozhno skolko "
            "kuda menya pomoshch pomogite sadik detsad yazyka nemetskiy zapisatsya gde-to "
            "vrach zapis stoit esli iz eto est' est vy my oni mozhet nuzhen nuzhna "
            "gde-nibud zdes tam segodnya zavtra rabota rabotayu kvartira svet gaz schet "
            "otmenit perenesti perevodchik chelovek zdravstvuite dobryy den"
        ),
        "uk": _words(
            "ya de yak shcho koly meni potribno treba khochu pryvit dyakuyu diakuiu dyakuju "
            "bud laska dytyna dytyny druzhyna mozhna skilky kudy mene dopomoha dopomozhit "
            "sadok zapysatysya zapys mova nimetska tse ye vy my vony mozhe potriben "
            "potribna tut tam sohodni zavtra robota pratsyuyu kvartyra svitlo rakhunok "
            "skasuvaty perenesty perekladach lyudyna dobryi den vitayu"
        ),
        "bg": _words(
            "az kade kak kakvo koga iskam tryabva mersi blagodarya zdraveyte zdravei dete "
            "deteto saprugata mozhe kolko pomosht ezik nemski zapisha moga vzema imam "
            "nyamam struva sam si ot deca detsa rabota tok smetka otmenya chovek "
            "dobar den zdravey blagodarya "
            # chat spelling: q for я, 4 for ч, 6 for ш, sht for щ
            "izgubih izgubil izgubila izvadq izvadya vzemq napravq kude tuk trqbva "
            "4ovek 6te shte nova novo mnogo molq"
        ),
    }
)
