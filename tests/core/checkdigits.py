"""Independent check-digit implementations, written from the standards' definitions (not from our code).

- GB 11643-1999 / ISO 7064 MOD 11-2: sum(a_i * W_i) + check ≡ 1 (mod 11), W_i = 2^(17-i) mod 11 for the
  0-based position i from the left; a check value of 10 is written X.
- GB 32100-2015 / ISO 7064 MOD 31 variant: C18 = 31 - (sum(C_i * W_i) mod 31), W_i = 3^i mod 31 (0-based i),
  31 becomes 0; characters are 0-9 then A-Y without I, O, Z, S, V.
- GB 11714-1997 organisation code: C9 = 11 - (sum(C_i * W_i) mod 11), W = 3 7 9 10 5 8 4 2, letters A=10 … Z=35;
  10 is written X and 11 is written 0.
"""

from __future__ import annotations

from datetime import date

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
ID_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


def mod11_2(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    c = (1 - total) % 11
    return "X" if c == 10 else str(c)


def mod31(first17: str) -> str:
    total = sum(USCC_CHARS.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def gb11714(first8: str) -> str:
    def value(ch: str) -> int:
        return int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10

    c = 11 - sum(value(ch) * w for ch, w in zip(first8, ORG_WEIGHTS, strict=True)) % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def make_id(region: str, birth: date, seq: int) -> str:
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + mod11_2(body)


def make_uscc(authority_kind: str, region: str, org8: str) -> str:
    org = org8 + gb11714(org8)
    body = authority_kind + region + org
    return body + mod31(body)
