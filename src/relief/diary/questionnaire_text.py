"""Paraphrased item wording for the questionnaires (the licensed wording is not reproduced).

Each item is (text, kind); kind is "days" (a day count 0-90) or a key of SCALES.
The order matches ``relief.diary.questionnaires`` and the stored answers.
"""

from __future__ import annotations

SCALES: dict[str, tuple[str, ...]] = {
    "pain10": tuple(str(n) for n in range(11)),
    "often": ("Never", "Rarely", "Sometimes", "Very often", "Always"),
    "extent": ("Not at all", "A little", "Moderately", "Quite a bit", "Extremely"),
}

ITEMS: dict[str, list[tuple[str, str]]] = {
    "midas": [
        ("In the last 3 months, on how many days did headaches keep you from work or school?", "days"),
        ("On how many other days was your work or school output cut by half or more?", "days"),
        ("On how many days did you do no housework because of headaches?", "days"),
        ("On how many other days was your housework output cut by half or more?", "days"),
        ("On how many days did you miss family, social or leisure activities?", "days"),
        ("On how many days in the last 3 months did you have a headache at all?", "days"),
        ("On those days, how strong was the pain on average (0 none to 10 worst)?", "pain10"),
    ],
    "hit6": [
        ("In the last 4 weeks, how often was the headache pain severe?", "often"),
        ("How often did headaches limit ordinary daily activities (home, work, school, social)?", "often"),
        ("How often did you wish you could lie down during a headache?", "often"),
        ("How often were you too tired for work or daily activities because of headaches?", "often"),
        ("How often did you feel fed up or irritated because of headaches?", "often"),
        ("How often did headaches limit your ability to concentrate?", "often"),
    ],
    "sows": [
        ("Feeling anxious", "extent"),
        ("Yawning", "extent"),
        ("Sweating", "extent"),
        ("Watery eyes", "extent"),
        ("Runny nose", "extent"),
        ("Goose bumps", "extent"),
        ("Shaking", "extent"),
        ("Hot flushes", "extent"),
        ("Cold flushes", "extent"),
        ("Aching bones or muscles", "extent"),
        ("Restlessness", "extent"),
        ("Nausea", "extent"),
        ("Urge to vomit", "extent"),
        ("Muscle twitching", "extent"),
        ("Stomach cramps", "extent"),
        ("Craving to use right now", "extent"),
    ],
}

INTROS = {
    "midas": "About the last 3 months. Count days; a day can count for only one of the first two questions.",
    "hit6": "About the last 4 weeks.",
    "sows": "How you feel right now.",
}
