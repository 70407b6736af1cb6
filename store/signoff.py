"""The sign-off workflow shared by commentary and the board's asks: draft → submitted → signed off.

Every step stores a new version (the next number for its key), so nothing written is overwritten: an
analyst saves a draft (each save a version) and submits it; a lead signs the submitted text off. Saving
again after a submission or a sign-off starts a new draft; the text signed off stays what viewers read
until a newer version is signed off. The writes themselves go through the store's door, which checks
the role (store/door.py); this module holds the rules and the checks on the text.

Text is plain: it is stored exactly as typed (after trimming), never interpreted as markup, and shown
escaped (charts/text.py); a NUL byte or text longer than `MAX_TEXT` is refused.
"""

from __future__ import annotations

DRAFT, SUBMITTED, SIGNED_OFF = "draft", "submitted", "signed off"
STATES = (DRAFT, SUBMITTED, SIGNED_OFF)
# Long enough for a paragraph a board reads aloud; a longer text belongs in a paper of its own.
MAX_TEXT = 2000
# Which state each step needs the latest version to be in, and the state it leaves.
STEPS = {"submit": (DRAFT, SUBMITTED), "sign off": (SUBMITTED, SIGNED_OFF)}


def clean_text(label: str, value: object) -> str:
    """`value` as stored: trimmed text; ValueError naming the field when it cannot be stored."""
    text = "" if value is None else str(value).strip()
    if "\x00" in text:
        raise ValueError(f'"{label}" holds a NUL character, which cannot be stored')
    if len(text) > MAX_TEXT:
        raise ValueError(f'"{label}" has {len(text):,} characters; at most {MAX_TEXT:,} can be stored')
    return text


def check_step(step: str, latest_state: str | None, what: str) -> str:
    """The state `step` leaves, when the latest version's state allows it; ValueError with a sentence otherwise."""
    needs, leaves = STEPS[step]
    if latest_state != needs:
        found = "there is no text yet" if latest_state is None else f"the latest version is {latest_state}"
        raise ValueError(f"Only {needs} {what} can be {'submitted' if step == 'submit' else 'signed off'}: "
                         f"{found}.")
    return leaves
