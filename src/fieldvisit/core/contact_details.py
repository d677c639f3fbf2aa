"""What a contact's phone number and e-mail address must look like.

The app only checks the form (it is offline; nothing is dialled or sent), with rules
written out here rather than a validation library: the e-mail libraries worth having
bring a DNS resolver for their deliverability checks, and Google's phone-number library
weighs megabytes of metadata, for two fields typed by hand. One rule for every way in
(dialogs, CLI, archive import): `services/contacts.py` calls these.

Phone: digits with the usual separators (spaces, dots, hyphens, slashes, brackets) and
an optional leading « + ». A national number has 10 digits and starts with 0
(« 04 71 60 00 00 »); an international one starts with « + » (or « 00 ») and has 8 to 15
digits (ITU E.164), « +33 4 71 60 00 00 ».

E-mail: one « @ » between a local part and a domain. The local part: 1–64 characters
among ASCII letters, digits and ``!#$%&'*+/=?^_`{|}~-``, with dots between them (not first,
last or doubled). The domain: at least two labels separated by dots (« mairie.fr »,
not « saint-flour »), each 1–63 letters (accented ones too), digits or hyphens, not
starting or ending with a hyphen; the last label has at least two letters. At most 254
characters in all.
"""

from __future__ import annotations

import re

_PHONE_CHARS = re.compile(r"\+?[0-9 .\-/()]+")
_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_LABEL = re.compile(r"(?!-)[^\W_]([^\W_]|-){0,62}(?<!-)")
_TOP_LABEL = re.compile(r"[^\W\d_]{2,63}")

PHONE_EXAMPLE = "04 71 60 00 00 ou +33 4 71 60 00 00"
EMAIL_EXAMPLE = "prenom.nom@mairie-saint-flour.fr"


def phone_problem(phone: str) -> str | None:
    """Why this is not a phone number (French), or None if it is one."""
    text = phone.strip()
    if not _PHONE_CHARS.fullmatch(text):
        return (
            "seuls des chiffres, des espaces, des points, des tirets et un « + » initial sont admis"
        )
    digits = re.sub(r"\D", "", text)
    if text.startswith("+") or digits.startswith("00"):
        count = len(digits) - (2 if digits.startswith("00") and not text.startswith("+") else 0)
        if not 8 <= count <= 15:
            return "un numéro international compte de 8 à 15 chiffres après l'indicatif « + »"
        return None
    if len(digits) != 10 or not digits.startswith("0"):
        return "un numéro français compte 10 chiffres et commence par 0"
    return None


def email_problem(email: str) -> str | None:
    """Why this is not an e-mail address (French), or None if it is one."""
    text = email.strip()
    if len(text) > 254:
        return "elle dépasse 254 caractères"
    if text.count("@") != 1:
        return "elle doit contenir un seul « @ »"
    local, domain = text.split("@")
    if not local or len(local) > 64 or not _LOCAL.fullmatch(local):
        return "la partie avant « @ » est vide ou contient un caractère non admis"
    labels = domain.split(".")
    if len(labels) < 2:
        return "le domaine après « @ » doit comporter un point (par exemple « mairie.fr »)"
    if not all(_LABEL.fullmatch(label) for label in labels) or not _TOP_LABEL.fullmatch(labels[-1]):
        return "le domaine après « @ » n'est pas un nom de domaine valide"
    return None
