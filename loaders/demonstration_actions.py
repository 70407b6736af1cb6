"""Invented demonstration actions for the improvement plan, R1-R13.

EVERY ACTION THIS SCRIPT WRITES IS INVENTED. The plan's action tables (`Ref · Actions · Lead · Date
for Completion · Progress · RAG`) are empty in the January 2018 draft (see data/plan/README.md), so
the dashboard needs something to show until an analyst imports the real action plan. The pages label
these actions "demonstration data" on every view, and an import of the real plan adds to them.

What it writes: `data/demonstration/plan_actions_demonstration.csv`, one row per action, 2-4 actions
per recommendation. The descriptions paraphrase the recommendation's own objectives; the leads are
the partner organisations the plan names (with invented role titles, no real people); the dates for
completion fall between June 2018 and December 2019. `rag_history` is the action's RAG over time,
"YYYY-MM-DD RAG" steps separated by "; ", starting with the day it was added (usually Grey); the
last step is its current RAG. The mix is chosen so that every RAG occurs, several actions are
complete (Blue), and a few open ones are past their date (overdue), and so that picking a board
meeting in 2019 shows RAG changes, completions and newly overdue actions.

The output is fixed by the seed: `.venv/bin/python -m loaders.demonstration_actions` rewrites the
same file byte for byte.
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

from store.settings import PROJECT_ROOT

OUTPUT = PROJECT_ROOT / "data" / "demonstration" / "plan_actions_demonstration.csv"
SEED = 20181120  # the last day of the CQC progress review
COLUMNS = ["ref", "description", "lead", "due_date", "progress", "rag_history"]

# Invented role titles at the organisations the plan names; no real person is named.
LEADS = [
    "Director of Public Health, City of York Council",
    "Assistant Director Adult Social Care, City of York Council",
    "Head of Commissioning, City of York Council",
    "Director of Joint Commissioning, Vale of York CCG",
    "Chief Nurse, Vale of York CCG",
    "Head of Medicines Management, Vale of York CCG",
    "Director of Operations, York Teaching Hospital NHS FT",
    "Head of Patient Flow, York Teaching Hospital NHS FT",
    "Locality Manager, Tees, Esk and Wear Valleys NHS FT",
    "Chief Executive, York CVS (voluntary sector)",
    "Programme Manager, Place Based Improvement Partnership",
]

# Two to four actions a recommendation, paraphrasing its objectives in the plan.
ACTIONS: dict[str, list[str]] = {
    "R1": ["Agree York's place priorities with the STP partnership board",
           "Publish a shared governance and accountability framework for York and the STP",
           "Map STP workstreams to the York Health and Wellbeing Strategy"],
    "R2": ["Establish the Place Based Improvement Partnership with chief officers of all partners",
           "Hold joint leadership development sessions for system leaders",
           "Agree a system escalation protocol for winter"],
    "R3": ["Agree a shared outcomes framework for the improvement plan",
           "Report the CQC indicators to the partnership every month",
           "Evaluate the impact of the integrated care hub pilot"],
    "R4": ["Complete a joint strategic commissioning review of community services",
           "Agree a pooled budget for intermediate care",
           "Commission a market position statement with providers"],
    "R5": ["Recruit to the home care capacity plan for winter 2018/19",
           "Develop a care home market sustainability plan with providers",
           "Introduce a rapid response domiciliary care service",
           "Launch a joint care worker recruitment campaign"],
    "R6": ["Give hospital discharge teams read access to the social care record",
           "Roll out a shared care record across primary and community care"],
    "R7": ["Run joint shadowing between hospital and community staff",
           "Hold quarterly shared learning events at the hospital-community interface"],
    "R8": ["Publish a single directory of services for people and staff",
           "Co-produce discharge information leaflets with people who use services",
           "Train front line staff on the choice policy"],
    "R9": ["Pilot a single integrated assessment in two localities",
           "Introduce trusted assessment for care home admissions",
           "Set up a single point of referral for frailty and falls"],
    "R10": ["Implement SAFER on all adult inpatient wards",
            "Establish a multi-disciplinary discharge hub",
            "Adopt discharge to assess for pathway 1",
            "Introduce daily board rounds with social care attendance"],
    "R11": ["Agree seven-day discharge cover across partners",
            "Provide pharmacy and transport for weekend discharges",
            "Audit weekend discharge summaries"],
    "R12": ["Deliver structured medication reviews in care homes",
            "Agree a joint medicines optimisation plan on admission and discharge"],
    "R13": ["Reduce the time to agree continuing healthcare funding to 28 days",
            "Move continuing healthcare assessments out of hospital",
            "Agree a joint continuing healthcare dispute resolution process"],
}

PROGRESS = {
    "Grey": "Not started; scheduled for the next quarter.",
    "Amber": "Work under way but behind plan; dependency on partner capacity flagged to the PBIP.",
    "Red": "Off track: resources not yet agreed. Escalated to the PBIP.",
    "Green": "On track; milestones met so far.",
    "Blue": "Complete; reported to the PBIP.",
}

# RAG journeys to draw from, each ending on the action's current RAG.
JOURNEYS = [
    ["Grey", "Amber", "Green", "Blue"],
    ["Grey", "Green", "Blue"],
    ["Grey", "Amber", "Red", "Amber"],
    ["Grey", "Green", "Amber"],
    ["Grey", "Amber", "Green"],
    ["Grey", "Red"],
    ["Grey"],
    ["Grey", "Green"],
    ["Grey", "Amber", "Blue"],
    ["Grey", "Green", "Blue"],
    ["Grey", "Amber", "Green", "Blue"],
]


def generate(seed: int = SEED) -> list[dict[str, str]]:
    """The demonstration actions, as CSV rows (all text)."""
    rng = random.Random(seed)
    rows = []
    for ref, descriptions in ACTIONS.items():
        for k, description in enumerate(descriptions, start=1):
            journey = rng.choice(JOURNEYS)
            created = date(2018, 4, 1) + timedelta(days=rng.randrange(0, 120))
            due = date(2018, 6, 1) + timedelta(days=rng.randrange(0, 570))
            steps, when = [], created
            for rag in journey:
                steps.append(f"{when.isoformat()} {rag}")
                when = when + timedelta(days=rng.randrange(45, 130))
            rows.append({
                "ref": f"{ref}.{k}",
                "description": description,
                "lead": rng.choice(LEADS),
                "due_date": due.isoformat(),
                "progress": PROGRESS[journey[-1]],
                "rag_history": "; ".join(steps),
            })
    return rows


def write(path: Path = OUTPUT, seed: int = SEED) -> Path:
    """Write the demonstration actions CSV; returns its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(generate(seed))
    return path


if __name__ == "__main__":
    print(write())
