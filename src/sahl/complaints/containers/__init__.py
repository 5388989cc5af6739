"""Small, careful readers of the audio containers voice notes come in (no decoding, no I/O).

Each module reads bytes already limited in size by `sahl.complaints.media`, raises its own
`Unreadable` (a ValueError) for anything it cannot vouch for, and never trusts a length field
without checking it against the bytes that are really there.
"""
