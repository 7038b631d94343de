"""Every sentence users see that is not a quote from the corpus lives here.

Tests assert on these constants, so wording can change in one place.
"""

DISCLAIMER = (
    "General guidance from our gym's library, not medical advice. "
    "If something feels wrong, stop and check with a doctor or physiotherapist. "
    "Loss of bladder or bowel control, numbness around the groin or in both legs, chest "
    "pain or fainting: get urgent medical care now."
)

# Shown when the best passage is below the relevance threshold.
NOT_COVERED_REASON = "not covered by the guidance"  # the reason on such replies

# Gradio's queue is full (ASSISTANT_CHAT_QUEUE_SIZE): say so, rather than "went wrong".
CHAT_BUSY = "The chat is busy right now; please try again in a moment."

# What a member (and anyone probing /healthz) is told when the index fails: no paths or
# exception text, which go to the server log. Urgent-care replies do not need the index.
INDEX_UNAVAILABLE = ("The guidance is unavailable right now; please try again in a minute. "
                     "If this is urgent, call your local emergency number or go to A&E.")
INDEX_UNAVAILABLE_HEALTH = "the guidance index is unavailable (details in the server log)"

# Reasons on an "answer" when LLM answers are on (ASSISTANT_LLM_BASE_URL): whether the text
# is the model's (every sentence checked) or the quoted guidance, and why.
LLM_CHECKED_REASON = "written by a language model; every sentence checked against the passage it cites"
LLM_UNCHECKED_REASON = ("quoted from the guidance: {dropped} of the language model's {total} "
                        "sentences could not be checked against the passages")
LLM_FAILED_REASON = "quoted from the guidance: {why}"
NOT_COVERED = (
    "I'm sorry, my guidance doesn't cover that. I can help with back pain and leg "
    "numbness around the leg press: setup and form, choosing the weight, warming up, "
    "muscle imbalances, soreness after training, returning after a back tweak, and when "
    "to see a professional."
)

OUT_OF_SCOPE = (
    "I can only help with back pain and leg symptoms around the leg press: technique and "
    "form, choosing the weight, warming up, muscle imbalances, soreness, returning to "
    "training, and when to get help. Please ask me about one of those."
)

# {number} is Settings.emergency_number, {reasons} the symptoms that triggered the route.
EMERGENCY_FIRST_LINE = (
    "**Get urgent medical care now: call {number} or go to the nearest emergency "
    "department.** You mentioned {reasons}, which can be a sign of a serious problem that "
    "needs checking straight away. Stop exercising and don't wait to see if it settles."
)

PROFESSIONAL_FIRST_LINE = (
    "**Please stop the exercise that brings this on and see a doctor or "
    "physiotherapist.** You mentioned {reasons}; that needs a proper check by a "
    "professional rather than advice from a chat."
)

# The same referral when only the learned triage stage raised it: it names no symptom, and
# quoting the member's own words back ("You mentioned “it's been about 2 weeks”") misleads.
PROFESSIONAL_UNNAMED_LINE = (
    "**Please stop the exercise that brings this on and see a doctor or "
    "physiotherapist.** What you describe is worth a proper check by a professional "
    "rather than advice from a chat."
)

# Lead-in before the grounded guidance under a professional or emergency first line.
GUIDANCE_LEAD_IN = "What our guidance says:"

NO_MEDICATION = (
    "I can't advise on medicines or doses; please ask a doctor or pharmacist."
)


# A message the assistant cannot read (not English): a fixed notice, in English and, where
# we have one, in the member's language. {number} is Settings.emergency_number.
UNREADABLE_NOTICE = (
    "**I can only read English, so I can't answer this safely.** If you have loss of "
    "bladder or bowel control, numbness around the groin or in both legs, sudden leg "
    "weakness, chest pain or fainting: get urgent medical care now (call {number}). For "
    "numbness, tingling or pain down a leg, please see a doctor or physiotherapist. "
    "Otherwise, please ask again in English."
)
# Reviewed translations of the notice's first two sentences (urgent symptoms first).
UNREADABLE_TRANSLATIONS = {
    "es": "Solo puedo leer inglés. Si tiene pérdida del control de la vejiga o del intestino, "
          "adormecimiento en la ingle o en ambas piernas, debilidad repentina en las piernas, "
          "dolor en el pecho o desmayo: busque atención médica urgente ahora.",
    "fr": "Je ne peux lire que l'anglais. En cas de perte de contrôle de la vessie ou des "
          "intestins, d'engourdissement de l'aine ou des deux jambes, de faiblesse soudaine des "
          "jambes, de douleur thoracique ou d'évanouissement : consultez les urgences maintenant.",
    "de": "Ich kann nur Englisch lesen. Bei Verlust der Blasen- oder Darmkontrolle, Taubheit "
          "im Schritt oder in beiden Beinen, plötzlicher Beinschwäche, Brustschmerzen oder "
          "Ohnmacht: Suchen Sie sofort notärztliche Hilfe.",
    "pt": "Só consigo ler inglês. Se tiver perda do controlo da bexiga ou do intestino, "
          "dormência na virilha ou nas duas pernas, fraqueza súbita nas pernas, dor no peito "
          "ou desmaio: procure atendimento médico urgente agora.",
    "it": "Posso leggere solo l'inglese. In caso di perdita del controllo della vescica o "
          "dell'intestino, intorpidimento all'inguine o a entrambe le gambe, debolezza "
          "improvvisa alle gambe, dolore al petto o svenimento: cerca subito assistenza medica urgente.",
    "nl": "Ik kan alleen Engels lezen. Bij verlies van controle over blaas of darmen, een doof "
          "gevoel in de lies of in beide benen, plotselinge zwakte in de benen, pijn op de borst "
          "of flauwvallen: zoek nu dringend medische hulp.",
    "pl": "Potrafię czytać tylko po angielsku. Jeśli tracisz kontrolę nad pęcherzem lub "
          "jelitami, masz drętwienie krocza lub obu nóg, nagłe osłabienie nóg, ból w klatce "
          "piersiowej lub zasłabłeś: natychmiast szukaj pilnej pomocy medycznej.",
}


def unreadable_notice(language: str, number: str) -> str:
    """The fixed notice for a message in `language` (ISO 639-1) that we cannot read."""
    english = UNREADABLE_NOTICE.format(number=number)
    translated = UNREADABLE_TRANSLATIONS.get(language)
    return english + (f"\n\n{translated} ({number})" if translated else "")


def join_reasons(reasons: tuple[str, ...] | list[str]) -> str:
    """'a', 'a and b', 'a, b and c' for the first lines above."""
    items = [r for r in reasons if r] or ["these symptoms"]
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


# --- Web surfaces: Gradio chat and the embeddable widget --------------------------------
# The widget receives these through the `/widget.js` response (see assistant/server.py),
# so its wording changes here too.

UI_TITLE = "Leg press back-pain assistant"
UI_INTRO = (
    "Ask about back pain or leg numbness around the leg press: setup and form, choosing "
    "the weight, warming up, muscle imbalances, soreness, and when to see a professional."
)
UI_EXAMPLES = (
    "How should I set up the leg press so my lower back stays on the pad?",
    "My lower back aches after leg press. Am I using too much weight?",
    "What's a good warm-up before heavy leg press?",
    "Why does my leg go numb during leg press?",
)
WIDGET_GREETING = (
    "Hi! I answer questions about back pain and leg numbness around the leg press, "
    "with the sources I used."
)
BANNER_PROFESSIONAL = "See a doctor or physiotherapist"
BANNER_EMERGENCY = "Urgent: get medical care now"
SOURCES_LABEL = "Sources"
REVIEWED_LABEL = "Reviewed"
UI_INPUT_LABEL = "Your question"
UI_INPUT_PLACEHOLDER = "Type your question…"
UI_SEND = "Send"
UI_OPEN = "Open chat"
UI_CLOSE = "Close chat"
UI_THINKING = "Checking the guidance…"
UI_HELPFUL = "Helpful"
UI_NOT_HELPFUL = "Not helpful"
UI_FEEDBACK_THANKS = "Thanks for the feedback."
UI_ERROR = "Sorry, something went wrong on our side. Please try again in a moment."
UI_UNREACHABLE = "Sorry, I couldn't reach the assistant. Check your connection and try again."
# The server answered, but not to this website (its origin is not allowed).
UI_REFUSED_ORIGIN = ("Sorry, the assistant isn't available on this website yet. Please tell "
                     "the gym's staff.")
UI_TRAINER_LOGIN = "Trainer login for the leg-press assistant chat."
# {seconds}: how long until the client may ask again.
UI_RATE_LIMITED = "You're asking quickly. Please wait {seconds} seconds and try again."
