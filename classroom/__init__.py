"""Live class mode: rooms a lecturer opens and students join, their activities, and the store they share.

No streamlit and no plotly here: ``rooms`` says what a room, an activity and an answer are and checks what
comes from a link or a student; ``store`` keeps them, in this process or in Redis; ``summary`` counts and
measures the answers; ``checking`` marks a typed derivative with core's checker (run in core's worker).
"""
