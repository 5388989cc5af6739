"""Small, careful readers of the containers voice notes and photos come in (no decoding, no I/O).

Each module reads bytes already limited in size by `sahl.complaints.media`, raises its own
`Unreadable` (a ValueError) for anything it cannot vouch for, and never trusts a length field
without checking it against the bytes that are really there. The audio readers (mp3, mp4, wav,
webm) also copy the sound without its tags; the image ones (jpeg, png) only bound the work a
decoder would be asked to do, before Pillow runs.
"""
