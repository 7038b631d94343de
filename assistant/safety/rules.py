# ruff: noqa: E501  (regex alternations read better unbroken than split mid-pattern)
"""The reviewed symptom rules: each one a concept, the route it forces, the plain-words
reason shown to the member, the pattern, and the context it needs.

Patterns are built from the word classes in `vocabulary.py` and run on normalised text
(`normalise.py`). A pattern may mark the words that carry the symptom with a
`(?P<k...>...)` group; negation only clears a finding when a negation word sits before
that group and outside it, so "can't feel my foot" stays a finding while "no numbness"
is cleared. Each reason is a noun phrase that reads naturally after "You mentioned ...".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .checks import long_duration, medication_request
from .vocabulary import (  # the word classes the patterns are built from
    BOTH_LEGS,
    DOWN_THE_LEG,
    LEG,
    SADDLE,
    SENSORY_PART,
    SPREAD,
)


@dataclass(frozen=True)
class Rule:
    """One reviewed symptom pattern: what it means, the route it forces and why."""

    concept: str  # retraction key: a later denial of the same concept clears it
    route: str  # "emergency" | "professional"
    reason: str
    pattern: str
    needs_back_pain: bool = False  # only counts when back pain is mentioned in the chat
    unless: str | None = None  # same-sentence context that makes the match harmless
    needs_leg_symptom: bool = False  # only counts when the chat reports a leg nerve symptom
    personal: bool = False  # a general question about it ("what is sciatica?") does not count
    check: Callable[[str, re.Match[str]], bool] | None = None  # extra test (checks.py)


# A set taken to failure, said lightly: not a nerve sign.
MUSCLE_FAILURE = r"\b(?:lol|haha|lmao|rep \d+|last reps?|final reps?|failure|on the safeties|mid-?set|jelly|pump|doms)\b"
_VERB = r"(?:go|goes|going|went|gone|get|gets|getting|got|feel|feels|feeling|felt|is|are|was|were|has|have|had|been|be|becomes?|became|turns?|turned|keeps?|kept|starts?|started)"
_NUMB = r"(?:numb(?!er|ingly)[a-z]{0,5}\b(?! to (?:the )?(?:burn|pain|it|everything|criticism))|numbish|tingl(?:e|es|ed|ing|y|iness)|pins (?:and|&|n) needles|paraesthesi\w*|paresthesi\w*)"
# Paraesthesia in other words: the similes people use for numb or buzzing skin.
_PARA_NERVE = r"(?:fuzzy|buzz\w*|vibrat\w*|fizz\w*|prickl\w*)"
_PARA = rf"(?:{_PARA_NERVE}|asleep|dead|wooden|(?:went|gone|go|goes|going|fell|falls|falling) to sleep|sleeping)"
# Similes for numb skin are specific enough to look further for the body part.
_SIMILE = (
    r"(?:cotton ?wool|cling ?film|novocaine|anaest?hetic|(?:a |an )?(?:dentist|dental|local|numbing) (?:injection|jab)|"
    r"(?:belongs?|belonged|belonging) to (?:someone|somebody) else|(?:been|gone) frozen|like (?:it's|it is|it has|they've|they have) (?:been )?frozen|(?:isn't|not) (?:mine|my own|part of me)|"
    r"(?:walking|standing) on (?:a )?(?:bunched[- ]up |rolled[- ]up )?(?:sock|cotton|sponge|pebbles|sand|cushion)|"
    r"bunched[- ]up sock|ants (?:crawling|marching|walking|running|creeping)|crawling (?:skin|ants)|"
    r"(?:crawling|walking|creeping|running|moving) (?:under|on|over) (?:my |his |her |the )?skin|not (?:my|his|her) (?:own )?skin)"
)
_LOSS = (
    r"(?:(?:no|lost|lose|loses|losing|loss of|don't have any|haven't got any|can't get any|reduced|less|without) "
    r"(?:[\w',]+ )?(?:feeling|sensation)|(?:can't|couldn't|can not|unable to|(?<!do )(?<!does )(?<!did )(?<!would )not) (?:really |properly |quite |always )?feel(?! any (?:tingl|numb|pins|pain|weak|burn)))"
)
_SENSE = rf"(?:{_NUMB}|{_PARA}|{_SIMILE}|{_LOSS})"
# Bladder, bowel and toilet words.
_PEE = r"(?:pee|peeing|wee|weeing|urin\w*|piss\w*|bladder|number one)"
_POO = r"(?:poo|poop|pooing|stool|bowels?|number (?:two|2)|a number 2)"
_TOILET = r"(?:toilet|loo|bathroom|restroom|lavatory|the gents|the ladies)"
# Someone the message is about: "my husband is leaking", "he's been having poo mishaps".
_PERSON = (
    r"\b(?:i|i'm|he|she|he's|she's|(?:my|our|his|her) (?:husband|wife|partner|dad|mum|mom|father|mother|"
    r"client|friend|mate|son|daughter|brother|sister|grandad|grandma|granddad|nan|gran|uncle|aunt|boyfriend|girlfriend))"
)
_PANTS = r"(?:pants|shorts|trousers|underwear|knickers|undies|jocks|dacks|daks|trackies|boxers|briefs|leggings|nappy|pad)\b"
_SELF = r"(?:my|him|her|them|your)sel(?:f|ves)"
# Wiping: the NHS wording for saddle anaesthesia ("toilet paper feels different").
_WIPE_CONTEXT = r"(?:(?:when|while|after) (?:i |he |she )?wip(?:e|es|ing)|^wiping|(?:toilet |loo )?(?:paper|tissue))"
_WIPE_CHANGE = (
    r"(?:(?:can't|cannot|couldn't|barely|hardly|not|don't|no longer) (?:really |properly |even )?feel|"
    r"(?:feels?|felt|feeling) (?:[\w',]+ )?(?:different|strange|weird|odd|funny|numb|like nothing)|numb\w*|no (?:feeling|sensation)|"
    r"(?:feels?|felt|feeling) like (?:it's |it is )?not (?:my|mine|his|her)|not (?:my|his|her) (?:own )?skin)"
)
_WIPE = rf"(?:{_WIPE_CONTEXT} (?:[\w',]+ ){{0,6}}?{_WIPE_CHANGE}|{_WIPE_CHANGE} (?:[\w',]+ ){{0,4}}?{_WIPE_CONTEXT})"
# Sensation during sex is saddle sensation.
_INTIMATE = (
    r"(?:can't|cannot|couldn't|barely|hardly|don't|not) (?:really |properly |even )?feel (?:anything|much|a thing|it|properly) (?:[\w',]+ ){0,2}(?:during|when|while|in) (?:sex|intercourse|intimacy|(?:we're|we are|we were|being) intimate|making love|bed with)|"
    r"(?:sex|intercourse) (?:[\w',]+ ){0,3}(?:feels?|felt) (?:[\w',]+ )?(?:numb|different|like nothing)|numb (?:[\w',]+ ){0,3}during sex"
)
# Rhabdomyolysis: urine the colour of cola or tea after hard exercise.
_DARK = r"(?:brown|dark brown|cola|coke-colou?red|cola-colou?red|tea-colou?red|(?:like|colou?r of|as dark as) (?:[\w',]+ ){0,2}?(?:coke|cola|tea)\b|red|reddish|pink|bloody|blood)"

RULES: tuple[Rule, ...] = (
    # ---------------------------------------------------------------- emergency
    Rule("bladder", "emergency", "loss of bladder control",
         rf"(?P<k>(?:lost|lose|losing|loss of|poor|no|zero) (?:all |any )?(?:control (?:of|over) )?(?:my |his |her |their |the )?bladder(?: control)?|"
         rf"(?:can't|couldn't|cannot|unable to|trouble|struggl\w* to|hard to) (?:[\w',]+ )?(?:control\w*|hold\w*|stop\w*) (?:in )?(?:my |his |her |the )?(?:bladder|pee|peeing|wee|weeing|urine|it in|it|{_TOILET})\b|"
         rf"{_PEE} (?:[\w',]+ ){{0,4}}?(?:comes?|came|coming|happens?|happened|leaks?|leaking|goes|went|runs?) (?:out )?(?:[\w',]+ ){{0,2}}?(?:by itself|on its own|without (?:me|him|her) (?:even )?(?:knowing|noticing|realising|realizing|feeling))|"
         rf"(?:{_TOILET}|it) (?:[\w',]+ ){{0,2}}(?:just )?(?:happens?|happened|comes?|came) (?:out )?by itself|"
         r"(?:peed|pee'd|weed|wee'd|wet|wetted|leaked) (?:[\w',]+ ){0,3}?without (?:even )?(?:feeling|noticing|knowing|realising|realizing)|"
         r"(?:wet|wets|wetting|wetted) (?:the|my|his|her|their) bed|bed ?-?wetting|accidents? (?:in|at) (?:bed|night|the night)|"
         rf"{_PERSON}(?:'s| is| am| are| has been| have been| keeps?| started| been)? (?:been )?leak(?:ing|s|ed)?\b(?! (?:oil|water|air|gas|fuel))|"
         rf"(?:wet|wetting|wets|peed|pee'd|pissed|weed|wee'd) (?:[\w',]+ )?{_SELF}|incontinen\w+|"
         rf"(?:leak\w*|dribbl\w*) (?:[\w',]+ ){{0,3}}(?:urine|pee|wee)|(?:urine|pee|bladder) (?:[\w',]+ ){{0,2}}leak\w*|"
         r"\b(?:i|he|she) (?:keep |keeps |kept |have been |has been |started |start )?(?:leaking|leak|leaked|leaks)\b|"
         r"(?:shorts|pants|trousers|leggings|underwear|knickers|boxers) (?:were|was|are|is|got|get|all) (?:[\w',]+ )?(?:wet|soaked|damp)|"
         rf"(?:little|small|a few|some|more|toilet|bladder|wee|pee) accidents?\b|(?:keep|keeps|kept) (?:having|getting) accidents|accidents? in (?:my|his|her|me) {_PANTS}|"
         rf"(?:didn't|did not|couldn't|don't|can't|not) (?:[\w',]+ )?make it to the {_TOILET}|"
         rf"(?:can't|cannot|couldn't|don't|didn't|doesn't|no longer|not|hard to|never) (?:really |properly |even |always |quite )?(?:feel|tell|sense|know|notice)(?: anymore| any more)? (?:when|if|that|whether) (?:[\w',]+ ){{0,2}}(?:i|he|she|my bladder) (?:need|needs|have|has|want|wants|is|'s)(?: to go| to)? (?:[\w',]+ )?(?:go|full|pee|wee|urinate|a wee|a pee|the {_TOILET})|"
         r"(?:can't|cannot|couldn't|don't|didn't|no longer|not) (?:[\w',]+ )?(?:feel|get|notice|sense) (?:the |any |my )?(?:urge|need|signal|sensation) (?:to (?:go|pee|wee|urinate)|to empty|of a full bladder)|"
         r"bladder (?:[\w',]+ ){0,4}(?:signal|sensation|feeling)(?:'s| has| is)? (?:gone|disappeared|vanished|stopped))"),
    Rule("bowel", "emergency", "loss of bowel control",
         rf"(?P<k>(?:lost|lose|losing|loss of|no|poor) (?:all )?(?:control (?:of|over) )?(?:my |his |her |the )?bowels?(?: control)?|"
         r"(?:can't|couldn't|cannot|unable to) (?:[\w',]+ )?(?:control|hold) (?:in )?(?:my |his |her |the )?(?:bowels?|poo|poop|stool)|"
         rf"(?:pooped|pooed|shat|soiled|messed|shit) (?:[\w',]+ )?{_SELF}|accident in (?:my|his|her|me) {_PANTS}|"
         r"(?:bowels?|poo|poop|toilet) (?:accidents?|mishaps?|incidents?|leaks?|leakage)|"
         rf"{_POO} (?:[\w',]+ ){{0,3}}?(?:comes?|came|coming|slips?|slipped|leaks?|leaking) out\b|"
         r"(?:pooed|pooped|soiled|messed) (?:[\w',]+ ){0,3}?without (?:even )?(?:feeling|noticing|knowing|realising|realizing)|"
         rf"(?:can't|cannot|couldn't|don't|didn't|no longer|not) (?:really |properly |even |always )?(?:feel|tell|sense|know|notice)(?: anymore| any more)? (?:when|if|that|whether) (?:[\w',]+ ){{0,2}}(?:i|he|she) (?:need|needs|have|has|want)(?: to go| to)? (?:[\w',]+ )?{_POO})"),
    Rule("urine", "emergency", "new trouble passing urine",
         rf"(?P<k>(?:can't|cannot|couldn't|unable to|not able to|struggl\w* to|strain\w* to|trouble|difficulty|problems?|hard to|(?:haven't|hasn't|have not|has not) (?:been able to|managed to|managed))(?: to)? (?!(?:stop|hold|control)\w* )(?:[\w',]+ ){{0,3}}(?:pee|wee(?! (?:bit|niggle|problem|thing|while|tweak|twinge|ache|pain))|urinat\w*|passing urine|pass urine|pass(?:ing)? water|piss|get (?:my |the |a )?(?:wee|pee|stream|flow) (?:started|going)|start (?:peeing|weeing|to pee|to wee))\b|urinary retention|can't empty (?:my|his|her) bladder|"
         rf"(?:haven't|hasn't|have not|has not|didn't) (?:had|done|managed) (?:a |one )?(?:wee|pee)|(?:haven't|hasn't) (?:peed|weed|urinated|passed water)\b|(?:only|just) (?:a )?(?:little|tiny bit|dribble|trickle) (?:[\w',]+ ){0,2}(?:at a time|comes out)|"
         rf"(?:wee|pee|urine|stream|it) (?:[\w',]+ ){{0,3}}(?:only )?(?:comes?|came|coming) out (?:[\w',]+ )?(?:in )?(?:a )?(?:dribble|trickle|drops)|weak (?:wee|pee|urine )?stream|"
         rf"(?:{_TOILET}|pee|wee(?! (?:bit|niggle|problem|thing|while|tweak|twinge|ache|pain))|urin\w*) (?:[\w',]+ ){{0,8}}?(?:nothing|hardly anything|barely anything|only a trickle|only drops) (?:[\w',]+ )?(?:came|comes|come|will come) out)"),
    Rule("dark urine", "emergency", "dark, cola-coloured urine after hard exercise",
         rf"(?P<k>(?:pee|peeing|peed|wee|weeing|urine|urinating|piss\w*) (?:[\w',]+ ){{0,3}}?(?:is |was |looks? |looking |came out |comes out )?(?:really |very |quite |a bit |dark |almost )?{_DARK}\b|"
         rf"{_DARK}(?: colou?red| like (?:coke|cola|tea))? (?:[\w',]+ )?(?:urine|pee|wee)|blood in (?:my |his |her |the )?(?:urine|pee|wee)|rhabdo\w*)",
         unless=r"\b(?:beetroot|beets|vitamins?|b12|multivitamin|pink (?:drink|salt))\b"),
    Rule("saddle", "emergency", "numbness or tingling around the groin or buttocks",
         rf"(?:(?P<k>{_SENSE})\b{DOWN_THE_LEG},? (?:[\w',]+ ){{0,8}}?{SADDLE}|{SADDLE},? (?:[\w',]+ ){{0,8}}?(?P<k2>{_SENSE})\b{DOWN_THE_LEG}|"
         rf"{SADDLE},? (?:[\w',]+ ){{0,6}}?(?:can|could) (?:barely|hardly|not) feel|(?:barely|hardly) feel (?:[\w',]+ ){{0,3}}{SADDLE}|(?P<k3>{_WIPE})|(?P<k4>{_INTIMATE}))"),
    Rule("both legs numb", "emergency", "numbness in both legs",
         rf"(?:(?P<k>{_SENSE}),? (?:[\w',]+ ){{0,8}}?{BOTH_LEGS}|{BOTH_LEGS},? (?:[\w',]+ ){{0,8}}?(?P<k2>{_SENSE})|"
         r"(?P<k3>(?:can't|cannot|couldn't) (?:really |properly )?feel) (?:my|his|her|their) (?:legs|feet)\b|paraly[sz]\w*)"),
    Rule("both legs nerve pain", "emergency", "sciatica or nerve pain in both legs",
         rf"(?:(?P<k>sciatic\w*|(?:shooting|radiating|nerve|burning) pain|pain (?:[\w',]+ )?(?:running|shooting|going|radiating|travelling|traveling) down) (?:[\w',]+ ){{0,8}}?{BOTH_LEGS}|"
         rf"{BOTH_LEGS},? (?:[\w',]+ ){{0,6}}?(?P<k2>sciatic\w*|shooting pain|nerve pain))", personal=True),
    Rule("spreading to both legs", "emergency", "symptoms spreading to both legs",
         rf"(?P<k>{SPREAD})", needs_leg_symptom=True),
    Rule("both legs weak", "emergency", "weakness in both legs",
         rf"(?:{BOTH_LEGS},? (?:[\w',]+ ){{0,6}}?(?P<k>weak\b|weakness|giv\w+ way|gave way|buckl\w*|give out|gave out)|"
         r"(?P<k2>weakness) in both|(?P<k4>(?:can't|cannot|couldn't|unable to) (?:get |make )?(?:my |his |her |their )?legs to (?:move|work)|(?:can't|cannot|couldn't) move (?:my|his|her|their|either|both) legs)|"
         rf"{BOTH_LEGS},? (?:[\w',]+ ){{0,4}}?(?P<k5>(?:don't have|do not have|have no|haven't got|with no|no|lost (?:all )?(?:their |the |my )?) ?(?:any )?strength))"),
    # "Legs gave out" in a set, with a laugh, is muscle failure, not a nerve sign.
    Rule("both legs weak", "emergency", "weakness in both legs",
         r"(?<!one of my )(?<!one of his )(?<!one of her )legs (?:[\w',]+ ){0,2}(?P<k3>(?:keep |kept )?(?:giving|gave|give) (?:way|out)|buckled|(?:won't|wouldn't|will not|would not|didn't|did not) (?:hold|support|work|take|carry) ?(?:me|him|her|my weight|his weight|her weight)?|(?:just )?(?:stopped|stop|quit) working|went (?:out )?from under|gone from under|gave up|went dead|(?:just )?(?:folded|crumpled|collapsed|buckled|went) (?:under|beneath) (?:me|him|her|them))",
         unless=MUSCLE_FAILURE),
    Rule("rapid weakness", "emergency", "leg weakness that is getting worse quickly",
         r"(?P<k>(?:weak\w*|buckl\w*|giv\w* way|gave way|giv\w* out|gave out) (?:[\w',]+ ){0,4}(?:worse|weaker) (?:[\w',]+ ){0,2}(?:fast|quickly|rapidly|by the (?:hour|minute|day)|every (?:hour|minute|day)|each (?:hour|day)|hour by hour|today|than (?:yesterday|this morning|last night|earlier|an hour ago))|"
         r"weaker (?:and weaker|by the (?:hour|minute|day)|every (?:hour|minute|day)|each day|fast|quickly|rapidly|hour by hour|than (?:yesterday|this morning|last night|earlier|an hour ago))|"
         r"weak\w* (?:[\w',]+ ){0,3}?(?:yesterday|this morning|last night|earlier)\b,? (?:[\w',]+ ){0,5}?(?:today|now) (?:[\w',]+ ){0,3}?(?:much |a lot |even |way )?(?:weaker|worse)|"
         r"(?:could walk|was fine|was ok) (?:[\w',]+ ){0,4}now (?:i |he |she )?(?:can barely|can hardly|can't|cannot) (?:walk|lift|move|stand))",
         unless=r"\b(?:imbalance\w*|than my (?:left|right|other)|stronger|compared|dominant)\b"),
    Rule("unable to stand or walk", "emergency", "being unable to stand or walk",
         r"(?P<k>(?:can't|cannot|couldn't|unable to|not able to) (?:[\w',]+ )?(?:stand(?: up)?|walk|get up|bear weight|put weight on|get (?:up )?off the (?:floor|ground))|"
         r"(?:had to be|needed to be|got|have to be) (?:helped|carried|lifted|dragged) (?:up|out|off|to|home|onto)|(?:two|2|three|3) (?:people|guys|of them) (?:had to )?(?:help|helped|carry|carried|lift|lifted) (?:me|him|her))",
         unless=r"\b(?:sore\w*|doms|lol|lmao|haha|stiff|tired|brutal|killer|jelly)\b"),
    Rule("foot drop", "emergency", "a foot that suddenly drops or drags",
         r"(?P<k>foot ?drop|drop ?foot|(?:can't|cannot|unable to|couldn't) (?:[\w',]+ ){0,2}(?:lift|raise|pull up|point) (?:up )?(?:my |the |his |her )?(?:front of (?:my |the |his |her )?)?(?:foot|toes)|"
         r"(?:can't|cannot|unable to|couldn't) (?:[\w',]+ ){0,2}(?:walk|stand) on (?:my |his |her )?heels?|"
         r"foot (?:[\w',]+ ){0,3}(?:flop\w*|slap\w*|drag\w*|drops?\b|dropping)|toes (?:[\w',]+ ){0,2}(?:catch|drag)\w*|"
         r"(?:keep |keeps |kept )?(?:trip\w*|stumbl\w*) (?:on|over) (?:my|his|her) (?:left|right) (?:foot|toes)|(?:catch\w*|snag\w*) on the (?:floor|ground|carpet|stairs|steps|kerb|curb))"),
    Rule("trauma", "emergency", "back pain after a fall or accident",
         r"(?P<k>\b(?:fell|fallen|falling|fall|tumbled|toppled) (?:off|from|down|over|onto|on|backwards|out)\b(?! (?:the wagon|asleep|apart|behind|of(?:f)? (?:the )?wagon))|"
         r"\ba (?:bad |big |nasty |heavy |hard )?(?:fall|tumble)\b|took a (?:[\w',]+ )?(?:fall|tumble|spill)|went flying|wiped out|"
         r"(?:car|road|traffic|bike|motorbike|motorcycle|cycling|skiing|work|riding|horse|rugby|climbing)\w* (?:crash|accident|collision|smash|pile-?up)|"
         r"crash(?:ed)? (?:my|his|her|the|a|into)|came off (?:my|his|her|the|a) \w+|knocked (?:off|over|down|flying)|hit by a|rear-?ended|"
         r"(?:car|van|lorry|truck|bus|bike|cyclist|motorbike|vehicle|driver|someone) (?:[\w',]+ ){0,2}(?:went|drove|ran|crashed|smashed|ploughed|plowed|slammed) into (?:me|my|him|her|us|the back of)|(?:car|van|lorry|truck|bus|cyclist|motorbike|vehicle|driver) (?:[\w',]+ ){0,2}(?:hit|struck|knocked|clipped|ran over) (?:me|him|her|us)\b|"
         r"(?:crushed|pinned|trapped|folded(?: up)?) (?:under|beneath|by) (?:the |a )?(?:[\w',]+ )?(?:sled|weight|weights|bar|barbell|machine|plates?|\d+ ?kg)|"
         r"landed (?:hard |badly |awkwardly |heavily |flat |right )?on (?:my|his|her) (?:lower |upper |middle |mid )?(?:back|spine|tailbone|coccyx|bum|butt|backside|bottom|arse)|went down (?:hard|heavily|badly)|slipped (?:and (?:fell|landed|went)|on (?:the |some )?(?:ice|icy|stairs|steps|floor|wet)|off (?:the|a|my|his|her) (?:[\w',]+ ){0,2}(?:seat|ladder|roof|chair|bench|step|steps|stairs|wall|horse|bike|stool|box|machine))|"
         r"(?:sled|weight|weights|bar|barbell|plates?|machine) (?:[\w',]+ ){0,2}(?:fell|dropped|came down|crashed) (?:on|onto) (?:me|my|him|her)|major trauma)",
         needs_back_pain=True,
         unless=r"\b(?:years? ago|last year|a long time ago|(?:fully |totally |completely )?(?:healed|recovered)|(?:now|all) fine|fine now|long gone)\b"),
    Rule("fever", "emergency", "back pain with a fever or chills",
         r"(?P<k>(?<!cabin )(?<!hay )fever\w*|temp(?:erature)? (?:[\w',]+ ){0,3}(?:3[89]|4[0-2]|10[0-5])\b|high temperature|\bchills\b|shiver\w*|rigou?rs|night sweats|hot and cold|"
         r"(?:burning|boiling) (?:hot|up)|thermometer|running a (?:temp|temperature)|"
         r"shak\w* (?:[\w',]+ ){0,4}(?:cold|freezing|duvets?|blankets?|covers)|freezing (?:cold )?(?:then|and) (?:[\w',]+ )?(?:hot|sweat\w*|boiling)|"
         r"sweat\w* (?:at night|through the (?:night|sheets))|drenched in sweat|teeth chattering|the (?:sweats|shakes)|sweats and (?:the )?shakes|shakes and (?:the )?sweats|flu-?like|feverish|cold sweats?)",
         needs_back_pain=True),
    Rule("chest pain", "emergency", "chest pain",
         r"(?P<k>(?:chest|breastbone|sternum|rib ?cage)(?! (?:day|press\w*|fly|flies|workout|session|exercises?|muscles?|routine|training|dips?|supported|pad)) (?:[\w',]+ ){0,3}(?:pain\w*|hurt\w*|tight\w*|pressure|ach\w*|discomfort|crush\w*|squeez\w*|heav\w*|vice|band|elephant|burn\w*)|"
         r"(?:pain|(?<!blood )pressure|tight\w*|crushing|squeezing|ache|heaviness|burning|band|vice|clamp)\w* (?:[\w',]+ ){0,3}(?:in|on|across|around|round|through|behind|under) (?:my|his|her|the) (?:chest|breastbone|sternum|ribs|rib ?cage|heart)|"
         r"(?:tight|painful|crushing|squeezing) (?:[\w',]+ )?chest(?! (?:day|press\w*|fly|flies|workout|session|exercises?|muscles?|routine|training))|heart attack|heart (?:pain|hurt\w*|ach\w*|squeez\w*)|"
         r"chest (?:[\w',]+ ){0,7}?(?:like|in) (?:an? )?(?:elephant|vice|weight|band|something heavy|clamp)|(?:elephant|weight|vice|band|something heavy) (?:[\w',]+ ){0,3}(?:on|around|across|crushing) (?:my|his|her|the) chest|"
         r"(?:spread\w*|radiat\w*|going|moving) (?:[\w',]+ )?(?:to|into|down) (?:my|his|her) (?:left )?(?:arm|jaw))"),
    # Getting your breath back for a few seconds after a hard set is normal ("lol").
    Rule("breathless", "emergency", "severe shortness of breath",
         r"(?P<k>(?:can't|cannot|couldn't|could not|unable to|struggl\w* to|fighting to|hard to|not able to) (?:[\w',]+ ){0,2}(?:catch (?:my|his|her|a) breath|get (?:my|his|her) breath back))",
         unless=r"\b(?:lol|haha|lmao|for a (?:few |couple of )?(?:secs?|seconds?|moments?|mo|sec)|briefly|for a bit)\b"),
    Rule("breathless", "emergency", "severe shortness of breath",
         r"(?P<k>(?:can't|cannot|couldn't|could not|unable to|struggl\w* to|fighting to|hard to|not able to) (?:[\w',]+ ){0,2}(?:breathe|get (?:a|any|enough) (?:breath|air)|get (?:any |enough )?air (?:in|into)|take a (?:full |deep |proper )?breath)|"
         r"gasping|fighting for (?:breath|air)|struggling for (?:breath|air)|shortness of breath|(?:severe(?:ly)?|really|very|extremely|badly|dangerously) (?:short of breath|breathless)|choking|"
         r"(?:lips|face|fingers) (?:[\w',]+ ){0,2}(?:went|turned|going|were|was|are|look|looked) (?:[\w',]+ )?blue)"),
    Rule("fainting", "emergency", "fainting or passing out",
         r"(?P<k>\bfaint(?:ed|ing)\b|(?:felt|feel|feeling|nearly|almost|going to) faint\b|pass(?:ed|ing)? out|black(?:ed|ing)? out|keel(?:ed|s)? over|"
         r"lost consciousness|unconscious|unresponsive|(?:he|she|they|him|her|someone|somebody|(?:my|our) (?:friend|mate|buddy|gym buddy|training partner|partner|client|husband|wife|dad|mum|mom|brother|sister|son|daughter))(?:'s| is| was)? (?:[\w',]+ ){0,6}?(?:(?:not|isn't|wasn't|stopped|is not) (?:responding|talking properly|breathing|waking up|answering)|(?:won't|will not|doesn't|can't) (?:answer|respond|wake)\w*)|"
         r"(?:everything|vision|eyes|world) (?:[\w',]+ )?(?:went|goes|turned|going) (?:grey|gray|black|dark|white)|next thing (?:i|he|she) (?:knew|know|remember)|"
         r"(?:people|everyone|someone|they) (?:were |was )?(?:standing|stood|leaning) over (?:me|him|her)|(?:came|come|coming) (?:round|around|to)(?=[.,!?;]| and\b| on the\b| i\b| i was\b| after\b| a few\b| with (?:people|everyone)| lying\b|$)|"
         r"(?:hit|hitting) the (?:floor|deck|ground)(?! running)|(?:came round|woke up|came to) on the (?:floor|ground|mat)|"
         r"(?:dropped|slumped|crumpled|collapsed|went down) (?:to|on|onto) the (?:floor|ground|deck|mat))"),
    Rule("collapse", "emergency", "someone collapsing",
         r"(?<!knees )(?<!knee )(?<!form )(?<!arches )(?<!arch )(?<!technique )(?P<k>collapsed|slumped (?:over|down|forward|to the)|crumpled (?:to|on|onto) the)(?! (?:inward|in(?! (?:the|a|my|his|her|class|front)\b)\b|at the (?:knees?|hips?|bottom|top|ankles?)))"),
    # ---------------------------------------------------------------- professional
    Rule("numbness", "professional", "numbness or tingling in the leg or foot",
         rf"(?:(?P<k>{_NUMB})|{SENSORY_PART}\w* (?:[\w',]+ ){{0,4}}?(?P<k2>{_PARA})|(?P<k3>dead) (?:leg|foot|feet)|"
         rf"(?P<k4>{_LOSS}(?: any (?:feeling|sensation))?) (?:in |of )?(?:[\w',]+ ){{0,3}}?{SENSORY_PART}\b|"
         rf"(?P<k5>{_PARA}) (?:[\w',]+ ){{0,3}}?(?:in|down|through|along|into|up|round|around) (?:my|his|her|the|both) (?:[\w',]+ )?(?:{SENSORY_PART}|hamstrings?|buttock|bum cheek|butt cheek|glute)\b|"
         rf"(?:buttock|bum cheek|butt cheek|glute)\w* (?:[\w',]+ ){{0,6}}?(?P<k7>{_NUMB}|{_PARA_NERVE})|"
         rf"{SENSORY_PART} (?:[\w',]+ ){{0,4}}?(?P<k6>{_LOSS})|"
         rf"{SENSORY_PART}\w* (?:[\w',]+ ){{0,7}}?(?P<k8>{_SIMILE})|(?P<k9>{_SIMILE}) (?:[\w',]+ ){{0,3}}?(?:in|on|under|over|down|through|along|into|up|round|around) (?:my|his|her|the|both) (?:[\w',]+ )?{SENSORY_PART}\b)"),
    Rule("weakness", "professional", "weakness in one leg",
         rf"(?:{LEG} (?:[\w',]+ ){{0,4}}?(?P<k>weak\b|weakness|giv(?:es|ing) way|gave way|buckl\w*|gives out|gave out|gives\b(?! (?:me|you|him|her|a|an|the|it|my|your|some|more)\b))|"
         r"(?P<k2>weakness) in (?:my|his|her|one|the) (?:[\w',]+ )?(?:leg|foot|knee|ankle|calf|thigh)|"
         rf"{LEG} (?:[\w',]+ ){{0,8}}?it (?:kind of |sort of |just |sometimes |keeps |kinda )?(?P<k7>gives|buckles|gives way|gives out|collapses)\b|"
         r"(?P<k3>weak|floppy) (?:left |right )?(?:leg|foot|ankle)|(?P<k4>trip(?:ping|ped|s)?) over (?:my|that|his|her) (?:[\w',]+ )?(?:foot|feet|toes?)\b|(?P<k6>(?:keep|keeps|kept) trip\w* over it)|"
         r"(?P<k5>dragging) (?:my|the|that|his|her) (?:left |right )?(?:leg|foot))",
         unless=r"\b(?:compared|than|build|building|stronger|strength|imbalance\w*|muscles?|dominant|tired|fatigued?|jelly|pump|lol|haha|lmao|rep \d+|last reps?|final reps?|failure)\b"),
    # One leg losing power since a back injury (not a long-standing imbalance).
    Rule("weakness", "professional", "weakness in one leg",
         r"(?P<k>(?:can't|cannot|couldn't) (?:really |properly )?push (?:[\w',]+ ){0,2}?with (?:my|his|her|the) (?:left |right )?leg|"
         r"(?:no|lost|losing|lack of|less|hardly any|not much) (?:have )?(?:power|strength) (?:in |on )?(?:[\w',]+ ){0,3}?(?:leg|side|foot)\b|"
         r"\b(?:leg|side|foot) (?:[\w',]+ ){0,2}?(?:no|lost|losing) (?:have )?(?:power|strength)|"
         r"(?:left|right|one) (?:leg|side) (?:[\w',]+ ){0,3}?(?:noticeably |much |a lot |way |really )?weaker (?:since|after|than before)|"
         r"(?:left|right|one) (?:leg|side) (?:[\w',]+ ){0,2}?(?:won't|will not|doesn't|does not) (?:go|push|work|fire) (?:anymore|any more))",
         needs_back_pain=True,
         unless=r"\b(?:compared|than my|imbalance\w*|dominant|stronger|always been)\b"),
    Rule("weakness", "professional", "weakness in one leg",
         r"(?P<k>since (?:i |he |she )?(?:hurt|tweaked|injured|strained|did|pulled|put out|twinged) (?:my |his |her )?back(?: [\w',]+){0,8}? (?:weaker|(?:no|less|lost) (?:power|strength)|gives out|gave out|buckl\w*)|"
         r"(?:weaker|(?:no|less|lost) (?:power|strength)) (?:[\w',]+ ){0,8}?since (?:i |he |she |the |my |his |her )?(?:hurt |tweaked |injured |strained )?(?:my |his |her )?back|"
         r"(?:can't|cannot|couldn't) (?:do|press|push|lift|manage) (?:[\w',-]+ ){0,3}?(?:on|with) (?:my|his|her|the) (?:left|right)(?: leg| side)? (?:any ?more|now)\b)"),
    # The more specific reason first: one finding per concept, first match wins.
    Rule("radiating pain", "professional", "pain shooting down the leg",
         r"(?:pain|ache|aching|burning|it|that|this|sensation)\b (?:[\w',]+ ){0,3}?(?P<k>travels?|travell?ing|runs?|spreads?|spreading|radiates?|moves?|goes|going) "
         r"(?:[\w',]+ ){0,8}?(?:below (?:the|my|his|her) knee|down (?:the (?:back of (?:the |my )?)?|my |his |her )?(?:[\w',]+ )?(?:legs?|hamstrings?|thigh|calf|shin)\b|"
         r"(?:down )?to (?:my|the|his|her) (?:ankle|foot|heel|toes|calf|shin)\b)",
         unless=r"\b(?:running|jog\w*|ran)\b"),
    Rule("radiating pain", "professional", "pain shooting below the knee",
         r"(?P<k>(?:pain|ache|burning|shoot\w*|zap\w*|zing\w*)) (?:[\w',]+ ){0,5}below (?:the|my|his|her) knee"),
    Rule("radiating pain", "professional", "pain shooting down the leg",
         rf"(?P<k>(?:pain|ache|aching|burning|zap\w*|zing\w*|electric\w*|shock\w*|shoot\w*|radiat\w*|sharp|nerve pain|jolt\w*|throb\w*|lightning)) (?:[\w',]+ ){{0,7}}?(?:down|into|through|along|to|below|past) (?:[\w',]+ ){{0,4}}?{LEG}\b"),
    Rule("sciatica", "professional", "sciatica-like pain",
         r"(?P<k>sciatic\w*|pinched nerve|trapped nerve|nerve pain|piriformis syndrome)", personal=True),
    Rule("long-lasting back pain", "professional", "back pain lasting more than a couple of weeks",
         r"(?P<k>(?P<lead>\b(?:for|over|past|last|nearly|almost|about|around|than|been|already|after|whole|entire|full|[a-z]+ing)\s+|^|[,.!?;]\s*|\b(?:and|but|so)\s+)"
         r"(?:(?:about|over|nearly|almost|around|roughly|more than|at least|well over|a good|the (?:past|last|best part of)|a)\s+)*"
         r"(?P<n>\d+(?:\.\d+)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|couple(?: of)?|few|several|many|multiple)"
         r"(?:\s*\+)?\s*(?:more\s+|full\s+|whole\s+|long\s+)?(?P<unit>days?|weeks?|wks?|months?|mths?|years?|yrs?|fortnights?)\b"
         r"|\bweek (?P<n2>\d+|two|three|four|five|six|seven|eight|nine|ten)\b|\b(?P<n3>second|third|fourth|fifth|sixth|seventh|eighth) (?:straight |whole )?week\b|\bfortnight\b"
         r"|\bfor (?:weeks|months|years|ages|a long time|too long)\b|\b(?:weeks|months) (?:now|on end)\b"
         r"|\b(?:for|over|in|during|all) (?:the |this )?(?:past |last |whole |entire )?(?:month|year|fortnight)\b(?! (?:of|off|ago|or so))"
         r"|since (?:the (?:start|beginning|end|middle) of )?(?:january|february|march|april|may|june|july|august|september|october|november|december|last (?:month|year)|christmas|easter|the new year|new year|the summer|the spring|the autumn|the winter))",
         needs_back_pain=True, check=long_duration),
    Rule("worsening back pain", "professional", "back pain that is getting worse",
         r"(?P<k>(?:getting|got|gets|growing|becoming|keeps getting|get) (?:[\w',]+ )?worse|worsening|worse and worse|worse (?:every|each) (?:day|week|session|time))",
         needs_back_pain=True),
    Rule("cough pain", "professional", "back pain that is worse when you cough or sneeze",
         r"(?:(?:pain\w*|hurt\w*|ach\w*|sore\w*|worse|jolt\w*|stab\w*|twinge\w*|shoot\w*|agony|kills?|killing|sharp)(?: [\w',]+){0,8}? (?P<k>cough\w*|sneez\w*|strain\w* on the (?:toilet|loo))|"
         r"(?P<k2>cough\w*|sneez\w*|strain\w* on the (?:toilet|loo))(?: [\w',]+){0,8}? (?:pain|hurt|ach|sore|worse|jolt|stab|twinge|shoot|agony|kill|sharp|sends?|goes)\w*)",
         needs_back_pain=True),
    Rule("night pain", "professional", "back pain that wakes you at night or is there at rest",
         r"(?P<k>wak(?:es|ing|e) (?:me|him|her)|woke (?:me|him|her)|(?:pain\w*|hurt\w*|ach\w*|sore\w*|throb\w*|agony|worse|kill\w*)(?: [\w',]+){0,5}? at night|at night(?: [\w',]+){0,5}? (?:pain|hurt|ach|sore|throb|agony|worse|kill)\w*|can't sleep|cannot sleep|keeps (?:me|him|her) (?:up|awake)|(?:stopping|stops|stopped|keeping|keeps|kept) (?:me|him|her) (?:from )?(?:sleep\w*|getting to sleep)|(?:los(?:e|ing)|lost) sleep|(?:ruin\w*|wreck\w*|disturb\w*|affect\w*) (?:my|his|her) sleep|"
         r"at rest|when resting|while resting|even (?:when |while |just )?(?:sitting|sat|lying|laying|resting|in bed|doing nothing|watching)|(?:even|also|only|still|worse) (?:when|if|while) (?:i'm |i am |i |he's |she's )?(?:just )?(?:sitting|sat|resting|lying|laying|still|in bed|doing nothing|not moving)|"
         r"(?:when|while|if|until|as soon as|whenever|once) (?:i |he |she )?(?:lie|lying|lay|laying|get into bed|go to bed) (?:still|flat|down)?|(?:lying|laying) (?:still|flat|down) (?:[\w',]+ ){0,3}(?:hurts|aches|is (?:painful|agony|worse)|makes it worse)|"
         r"(?:hurts?|aches?|aching|painful|sore|pain|agony) (?:[\w',]+ )?in bed|"
         r"(?:doesn't|does not|won't|never) (?:ease|settle|go away|get better) (?:[\w',]+ ){0,2}(?:rest|resting|lying down))",
         needs_back_pain=True),
    Rule("night pain", "professional", "back pain that wakes you at night or is there at rest",
         r"^(?:it|this|that|the pain) (?:[\w',]+ ){0,2}?(?:hurts?|aches?|throbs?|kills?) (?P<k>(?:even|also|still) (?:when|while|if) (?:i'm |i am |i )?(?:just )?(?:sitting|sat|resting|lying|laying|in bed|doing nothing|not moving))",
         unless=r"\b(?:doms|sore\w*|quads?|glutes?|hamstrings?|calf|calves|knees?|muscles?|shoulders?|arms?|neck)\b"),
    Rule("cancer", "professional", "new back pain with a history of cancer",
         r"(?P<k>cancer|chemo\w*|tumou?r|radiotherapy|oncolog\w*|leuka?emia|lymphoma|myeloma|metasta\w*|in remission)",
         needs_back_pain=True),
    Rule("steroids", "professional", "new back pain while taking steroids",
         r"(?P<k>steroid\w*|prednis\w*|cortison\w*|dexamethason\w*|hydrocortison\w*|anabolic\w*|testosterone|\btest (?:e|c|cyp|enanthate|prop|propionate)\b|"
         r"\btren\b|trenbolone|\bdeca\b|nandrolone|d-?bol|dianabol|anavar|oxandrolone|winstrol|\bsarms?\b|\broids?\b)", needs_back_pain=True,
         unless=r"\b(?:inhaler|nasal|cream|asthma)\b"),
    Rule("osteoporosis", "professional", "new back pain with osteoporosis",
         r"(?P<k>osteopor\w*|osteopeni\w*|(?:brittle|thin|thinning|weak|fragile) bones|(?:low|poor) bone (?:density|mass)|bone (?:thinning|loss))", needs_back_pain=True),
    Rule("weight loss", "professional", "back pain with unexplained weight loss",
         r"(?P<k>(?:lost|losing|dropped|dropping|lose) (?:[\w',]+ ){0,3}(?:weight|kilos?|kgs?|pounds|lbs|stone) (?:[\w',]+ ){0,2}(?:without (?:trying|dieting|meaning to)|for no reason)|"
         r"unexplained weight loss|weight loss (?:[\w',]+ ){0,2}(?:without trying|for no reason|unexplained))",
         needs_back_pain=True),
    Rule("diagnosis", "professional", "asking for a personal diagnosis",
         r"(?P<k>\b(?:do|did|could|might|would) (?:i|he|she) (?:have|has) (?:a |an )?(?:herniat\w*|slipped|bulg\w*|disc|sciatica|pinched|nerve|fracture\w*|torn|tear|sprain\w*|strain\w*|arthritis|stenosis|injur\w*|spondyl\w*)|"
         r"\bis (?:it|this|that|my \w+) (?:a |an )?(?:herniat\w*|slipped disc|bulg\w*|disc|fracture\w*|torn|tear|pinched)|"
         r"what(?:'s| is) (?:wrong|going on) (?:with|in) (?:my|me|him|her)|diagnos\w*|what (?:injury|condition|problem) (?:do |does )?(?:i|he|she) (?:have|has)|"
         r"what (?:have|did|has) (?:i|he|she) (?:done|do) to (?:my|it|myself|his|her)|what(?:'ve| have) i done to|have i (?:herniated|slipped|torn|pulled|broken|damaged|fractured)|"
         r"\b(?:did|could|might|would) (?:i|he|she) (?:have )?(?:herniat\w*|slip\w*|bulg\w*|ruptur\w*|tear|tore|torn|break|broke|fractur\w*|damag\w*|pull\w*|pinch\w*) (?:a |my |his |her |the )?(?:disc|disk|nerve|vertebra\w*|back|spine|muscle|ligament)|"
         r"i think i(?:'ve| have)? (?:[\w',]+ )?(?:herniated|slipped|bulged|ruptured|torn|tore|fractured|broke|pinched) (?:a |my )?(?:disc|nerve|vertebra\w*|back)|"
         r"tell me what (?:i|he|she|i've|it) (?:have|has|did|tore|hurt|done|is)|what do you think (?:it|this|that) is|"
         r"(?:just )?tell me which(?: one)?(?: it is| i have)?(?=[.!?]|$)|which (?:one )?(?:is it|have i got|do i have)\b)"),
    Rule("medication", "professional", "asking about medication or a dose",
         r"(?P<k>ibuprofen|advil|nurofen|motrin|naproxen|aleve|paracetamol|acetaminophen|tylenol|panadol|aspirin|codeine|co-?codamol|codamol|co-?dydramol|solpadeine|"
         r"tramadol|oxycodone|oxycontin|morphine|diclofenac|voltaren|gabapentin|pregabalin|lyrica|diazepam|valium|meloxicam|celecoxib|etoricoxib|amitriptyline|duloxetine|"
         r"hydrocodone|vicodin|percocet|fentanyl|cyclobenzaprine|muscle relax\w*|painkill\w*|pain ?killers?|pain (?:meds|medication|pills|relief pills|relief tablets)|"
         r"medication|medicine|\bmeds\b|anti-?inflammator\w* (?:pills?|tablets?|drugs?|meds|gel)|anti-?inflammatories|\bnsaids?\b|opioid\w*|"
         r"\d+ ?mg\b|\bdos(?:e|es|age|ing)\b|prescri\w*|tablets?|\bpills?\b|what (?:can|should|could) i take (?:for|to)|take something for)",
         unless=r"\b(?:creatine|protein|caffeine|pre-?workout|supplements?|vitamins?|electrolytes?)\b",
         check=medication_request),
)

