"""Plain sentences for the engine's steps: a test's wording (the rule data's ``label:``, a
classification's title, or the engine's own description of a fact comparison) and its truth value
become one sentence that states the finding, e.g. "the AI system performs profiling of natural
persons" with the truth value false reads "The AI system does not perform profiling of natural
persons."; unknown reads "It is not stated whether …".

Only English grammar lives here (and the words for the comparisons of an unlabelled test,
``describe``): auxiliary verbs, the third-person -s, determiners and the
connectives "not", "no", "and", "or". No legal term and no word of the rule data is hard-coded;
a wording the grammar cannot negate safely (a compound clause, a past tense) is negated as a
whole ("It is not the case that …"). The result depends on the wording and the truth value only,
so every output stays deterministic.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from compliance.law.models.rule import Leaf, Operand

_AUX = frozenset("is are was were has have had can could may might must will would shall should "
                 "does do did cannot".split())
#: words that open a noun phrase: a wording that starts with one and has a verb is a clause
_DETERMINERS = frozenset("the a an this that these those its it their each every no some any "
                         "another one such".split())
#: words that open a clause after "and"/"or": a wording joining two clauses is compound
_CLAUSE_OPENERS = _AUX | frozenset("the it its this no not there your their our his her".split())
#: a verb found after one of these belongs to a relative clause of a noun phrase
_RELATIVES = frozenset("which who whom whose where when if whether".split())
#: verbs that end like an adverb ("-ly")
_LY_VERBS = frozenset("apply supply rely reply comply imply multiply fly ally".split())
_PARTICIPLES = frozenset("been made put set undergone taken given done seen known held built "
                         "kept run shown".split())
_PREFIX = re.compile(r"^([^:]{1,45}): (.+)$", re.DOTALL)


def finding(text: str) -> str:
    """A wording that already states a finding (``X is not stated``), as a sentence."""
    return _end(_capital(text))


@functools.lru_cache(maxsize=8192)
def sentence(text: str, truth: str, established: bool = False) -> str:
    """The finding of a test worded ``text`` whose truth value is ``truth`` (``true``,
    ``false`` or ``unknown``). ``established``: the test is a classification (derived from
    other facts), so an unknown one reads "It is not established whether …"."""
    text = " ".join(text.split())
    if not text:
        return ""
    prefix = _PREFIX.match(text)
    if prefix and len(prefix.group(1).split()) <= 4:  # "Art. 50(1): the system interacts …"
        inner = sentence(prefix.group(2), truth, established)
        return f"{prefix.group(1)}: {_lower(inner)}"
    words = text.split(" ")
    unknown = "established" if established else "stated"
    verb = _verb(words)
    if verb is None:
        return _fragment(words, truth, unknown)
    # a predicate without its subject ("deploys …", "can generate …") reads with "it"
    bare = _adverbs(words[:verb])
    if truth == "true":
        return _end(_capital(text))
    if truth == "false":
        negated = _negate(words, verb)
        whole = f"it {text}" if bare else _lower(text)
        return _end(_capital(negated) if negated else f"It is not the case that {whole}")
    return _end(f"It is not {unknown} whether " + (f"it {text}" if bare else _lower(_any(words))))


def _fragment(words: list[str], truth: str, unknown: str) -> str:
    """A wording without a verb of its own: a noun phrase, a participle or a title."""
    first = words[0].lower()
    if first == "not":  # "not a legacy system": the negation is part of the wording
        core = " ".join(words[1:])
        if truth == "true":
            return _end(_capital(" ".join(words)))
        if truth == "false":
            return _end(_capital(core))
        return _end(f"Not {unknown} whether {_lower(core)}")
    if first == "no":  # "no valid derogation"
        core = " ".join(words[1:])
        if truth == "true":
            return _end(_capital(" ".join(words)))
        if truth == "false":
            return _end(f"Some {core}")
        return _end(f"Not {unknown} whether any {core}")
    text = " ".join(words)
    if truth == "true":
        return _end(_capital(text))
    if first in ("the", "this", "it", "its"):  # a clause with a verb not recognised (a past tense)
        if truth == "false":
            return _end(f"It is not the case that {text}")
        return _end(f"It is not {unknown} whether {text}")
    if truth == "false":
        return _end(f"Not {_lower(text)}")
    return _end(f"Not {unknown} whether {_lower(text)}")


def _verb(words: list[str]) -> int | None:
    """Index of the finite verb of a clause (or of a predicate without its subject, after any
    adverbs), else None."""
    depth = 0
    for index, word in enumerate(words[:12]):
        bare = word.lower().strip(",;")
        if depth == 0 and "(" not in word:
            if index and bare in _RELATIVES:
                return None
            if bare in _AUX:
                return index
            if _third_person(word) and not _before_aux(words, index) and (
                    _adverbs(words[:index]) or _after_subject(words, index)):
                return index
        depth += word.count("(") - word.count(")")
    return None


def _after_subject(words: list[str], index: int) -> bool:
    """Whether ``words[index]`` follows a subject ("the system performs", "it deduces") rather
    than being a plural noun ("Annex III points", "publicly accessible spaces")."""
    first, previous = words[0].lower(), words[index - 1]
    if first == "it" and index == 1:
        return True
    if first not in _DETERMINERS or previous.lower() in _DETERMINERS:
        return False
    if previous.endswith("'s") or "-" in previous or previous[:1].isupper() and previous[1:2].isupper():
        return False
    following = words[index + 1] if index + 1 < len(words) else ""
    return not following[:1].isdigit() and not previous.lower().endswith(_ADJECTIVE_ENDINGS)


_ADJECTIVE_ENDINGS = ("ible", "able", "al", "ic", "ive", "ous", "ful", "less")


def _adverbs(words: list[str]) -> bool:
    """Whether ``words`` are only adverbs ("only", "merely"): the verb after them has no
    subject of its own."""
    return all(_adverb(w) for w in words)


def _adverb(word: str) -> bool:
    lower = word.lower()
    return lower in ("only", "also") or lower.endswith("ly") and lower not in _LY_VERBS


def _before_aux(words: list[str], index: int) -> bool:
    """A plural noun that is the subject of an auxiliary ("risks could …", "purposes is …")."""
    return index + 1 < len(words) and words[index + 1].lower() in _AUX


def _third_person(word: str) -> bool:
    return (len(word) > 3 and word.isalpha() and word.islower() and word.endswith("s")
            and not word.endswith(("ss", "us", "is", "ous", "ions", "ments", "nces")))


def _negate(words: list[str], at: int) -> str | None:
    """The clause with its verb at ``at`` negated, or None when that is not safe."""
    rest = words[at + 1:]
    if _compound(rest):
        return None
    verb, lower = words[at], words[at].lower()
    head = words[:at]
    if head and head[0].lower() == "no":  # "no other use case performs X" -> "some other …"
        return " ".join(["some", *head[1:], *words[at:]]) if head[0] == "no" else None
    following = rest[0].lower() if rest else ""
    if following.startswith("("):  # "is (or is to be) placed": where would "not" go?
        return None
    if lower in _AUX:
        if lower == "cannot":
            return " ".join([*head, "can", *rest])
        if following == "not":  # "is not monetised" -> "is monetised"
            if lower in ("does", "do"):
                return _undo_not(head, rest[1:], lower)
            if lower == "did":
                return None
            return " ".join([*head, verb, *rest[1:]])
        if following == "no":  # "has no systemic risk" -> "has systemic risk"
            return " ".join([*head, verb, *rest[1:]])
        if lower in ("has", "have", "had") and not _participle(following):
            do = {"has": "does", "have": "do", "had": "did"}[lower]
            return " ".join([*head, do, "not", "have", *rest])
        if lower == "can":
            return " ".join([*head, "cannot", *rest])
        return " ".join([*head, verb, "not", *rest])
    if following == "no":  # "generates no synthetic content" -> "generates synthetic content"
        return " ".join([*head, verb, *rest[1:]])
    if _adverbs(head):  # "only supports X" -> "does not only support X"
        out = ["does", "not", *head, _base(lower)]
    else:
        out = [*head, "does", "not", _base(lower)]
    index = 0
    while index + 1 < len(rest) and rest[index] in ("or", "and") and _third_person(rest[index + 1]):
        out.extend([rest[index], _base(rest[index + 1])])
        index += 2
    return " ".join([*out, *rest[index:]])


def _undo_not(head: list[str], rest: list[str], do: str) -> str | None:
    """ "does not apply" -> "applies" (an adverb before the verb is kept: "merely supports")."""
    index = 0
    while index < len(rest) and _adverb(rest[index]):
        index += 1
    if index >= len(rest) or not rest[index].isalpha():
        return None
    verb = rest[index] if do == "do" else _third(rest[index])
    return " ".join([*head, *rest[:index], verb, *rest[index + 1:]])


def _compound(rest: list[str]) -> bool:
    """Whether the words after the verb join a second clause ("… and the base has …", "… and
    your own assessment decides"); verbs joined to the first ("makes or assists") do not."""
    depth, index = 0, 0
    if len(rest) > 1 and rest[0] in ("or", "and") and _third_person(rest[1]):
        index = 2
    for position in range(index, len(rest) - 1):
        word = rest[position]
        if depth == 0 and (word.lower() in _RELATIVES or word.lower() == "that"):
            return False  # what follows belongs to a subordinate clause
        if depth == 0 and word.strip(",") in ("and", "or", "but", "so"):
            ahead = []
            for w in rest[position + 1:position + 5]:
                if w.lower() in _RELATIVES or w.lower() == "that":  # "… or labels that AI is used"
                    break
                ahead.append(w.lower().strip(","))
            if ahead and (ahead[0] in _CLAUSE_OPENERS or any(w in _AUX for w in ahead)):
                return True
        depth += word.count("(") - word.count(")")
    return False


def _participle(word: str) -> bool:
    return word.endswith(("ed", "en")) or word in _PARTICIPLES


def _base(verb: str) -> str:
    """ "performs" -> "perform", "applies" -> "apply", "reaches" -> "reach"."""
    if verb.endswith("ies") and len(verb) > 4:
        return verb[:-3] + "y"
    if verb.endswith(("sses", "shes", "ches", "xes", "zes", "oes")):
        return verb[:-2]
    return verb[:-1]


def _third(verb: str) -> str:
    """ "apply" -> "applies", "reach" -> "reaches", "perform" -> "performs"."""
    if verb.endswith("y") and len(verb) > 2 and verb[-2] not in "aeiou":
        return verb[:-1] + "ies"
    if verb.endswith(("s", "sh", "ch", "x", "z", "o")):
        return verb + "es"
    return verb + "s"


def _any(words: list[str]) -> str:
    """ "no other use case performs X" -> "any other use case performs X" (for "whether")."""
    return " ".join(["any", *words[1:]]) if words[0] == "no" else " ".join(words)


def _capital(text: str) -> str:
    """Upper-case the first letter, unless the wording starts with a fact path
    ("system.use_cases[x].settings …"), which is shown as written."""
    first = text.split(" ", 1)[0]
    if "." in first.rstrip(".") or "_" in first or "[" in first:
        return text
    return text[:1].upper() + text[1:]


def _lower(text: str) -> str:
    """Lower-case the first letter of an embedded wording, unless it starts an acronym or a name
    ("EU placement", "SB 24-205", "Annex III system")."""
    words = text.split(" ", 2)
    first = words[0]
    if not first[:1].isupper() or first[1:2].isupper():
        return text
    second = words[1] if len(words) > 1 else ""
    if first.lower() in _DETERMINERS or first.lower() in ("not", "some") or not second or (
            second[:1].islower()):
        return text[:1].lower() + text[1:]
    return text


def _end(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."


# --------------------------------------------------------------------------- fact comparisons

_WORDS = {"equals": "is", "in": "is one of", "contains": "contains", "contains_any": "contains one of",
          "gt": ">", "gte": "≥", "lt": "<", "lte": "≤"}
#: the same comparisons found false ("is not", "≤" for a failed ">")
_NEGATED_WORDS = {"equals": "is not", "in": "is not one of", "contains": "does not contain",
                  "contains_any": "contains none of", "gt": "≤", "gte": "<", "lt": "≥", "lte": ">"}


def describe(leaf: Leaf, shown: str, operand: Any, negated: bool = False) -> str:
    """The test of an unlabelled leaf in words; ``negated``: the test found false."""
    if leaf.label:
        return leaf.label
    op = leaf.operator.rstrip("_")
    words = _NEGATED_WORDS if negated else _WORDS
    if op == "is_set":
        return f"{shown} {'is stated' if bool(operand) != negated else 'is not stated'}"
    if op == "is_empty":
        return f"{shown} {'is empty' if bool(operand) != negated else 'is not empty'}"
    if isinstance(operand, Operand):
        operand = "the as-of date" if operand.as_of else (
            f"{operand.times} × {operand.fact}" if operand.times is not None else operand.fact)
    if isinstance(operand, bool):
        operand = str(operand).lower()
    if isinstance(operand, list):
        operand = ", ".join(str(v) for v in operand)
    return f"{shown} {words[op]} {operand}"
