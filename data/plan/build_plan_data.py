"""Rebuild the plan CSVs in data/plan/ from the two source documents in data/plan/sources/.

Every text field is cut out of the documents by position (between the document's own labels),
never retyped, so the words are the documents' words. The only changes are the normalisations
listed in data/plan/README.md. The judgement calls (which recommendation a progress finding
concerns, which indicator a recommendation is meant to move) are the tables FINDING_LINKS and
INDICATOR_LINKS below; each row carries its reason.

Run:  .venv/bin/python data/plan/build_plan_data.py
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
PLAN_SOURCE = HERE / "sources" / "000_84e72b45ca875579.txt"
REPORT_SOURCE = HERE / "sources" / "001_f360b5d831bfc93c.txt"
REVIEW_DATE = "2018-11-20"
REPORT_NAME = "CQC York Local System Review Progress Report, November 2018"
PROJECT_WORDS = {"ONE": 1, "TWO": 2, "THREE": 3, "FOUR": 4}
MARKER = re.compile(r"^(?:•|-|\*|\d{1,2}\.)\s+")
TERMINAL = (".", ":", "!", "?", ")")


# ---------------------------------------------------------------- normalisation


def to_lines(raw: str) -> list[str]:
    """Turn a document into its non-empty lines after markup normalisation, markers kept.

    HTML tags, tabs and the labels "Lead Officer:", "Date Plan Approved:", "Review Date:" become
    line breaks; "**" is dropped; inline "•" bullets and the numbers inside an inline <ol> start
    a new line; runs of whitespace become one space; separator lines ("---", "|") are dropped.
    """
    text = re.sub(
        r"(<ol[^>]*>)([^<\t\n]*)",
        lambda m: m.group(1) + re.sub(r"(?:^|\s)(\d{1,2}\.\s)", r"\n\1", m.group(2)),
        raw,
    )
    text = re.sub(r"<[^>]+>", "\n", text)
    text = text.replace("•", "\n•").replace("\t", "\n").replace("**", "")
    for label in ("Lead Officer:", "Date Plan Approved:", "Review Date:"):
        text = text.replace(label, f"\n{label}\n")
    lines = (re.sub(r"\s+", " ", line).strip() for line in text.split("\n"))
    return [line for line in lines if line and not re.fullmatch(r"[-| ]+", line)]


def collect_items(lines: list[str], start: int, stop) -> tuple[list[str], int]:
    """Read list items from lines[start] until stop(line) is true; return (items, index of stop line).

    A line that starts with a bullet or number starts an item (the marker is dropped). A line
    without a marker continues the previous item when that item does not yet end a sentence
    (a page break in the source split it); anything else is an error, so nothing is silently lost.
    """
    items: list[str] = []
    i = start
    while not stop(lines[i]):
        line = lines[i]
        if MARKER.match(line):
            items.append(MARKER.sub("", line))
        elif items and not items[-1].endswith(TERMINAL):
            items[-1] = f"{items[-1]} {line}"
        else:
            raise ValueError(f"unexpected unmarked line in a list: {line!r}")
        i += 1
    return items, i


def find(lines: list[str], pattern: str, start: int = 0) -> int:
    """Index of the first line at or after start that matches pattern."""
    rx = re.compile(pattern)
    for i in range(start, len(lines)):
        if rx.search(lines[i]):
            return i
    raise ValueError(f"not found: {pattern!r}")


# ---------------------------------------------------------------- the plan


def parse_plan(lines: list[str]) -> tuple[list[dict], list[dict]]:
    """Projects and recommendations of the Place Based Improvement Plan."""
    projects: list[dict] = []
    cluster_text: dict[str, str] = {}
    for i, line in enumerate(lines):
        m = re.fullmatch(r"PROJECT (ONE|TWO|THREE|FOUR):", line)
        if not m:
            continue
        title = lines[i + 1]
        j = find(lines, r"^Lead Officer:$", i + 2)
        k = find(lines, r"^CQC said:$", j)
        lead = " ".join(lines[j + 1:k])
        cqc, k = collect_items(lines, k + 1, lambda s: s == "Strategic Outcomes:")
        outcomes, k = collect_items(lines, k + 1, lambda s: "Recommendations in this cluster" in s)
        note = lines[k].split("Recommendations in this cluster", 1)[1].strip()
        end = find(lines, r"^(?:Recommendation\s?\d*\s?:|PROJECT )", k + 1)
        for row in lines[k + 1:end]:
            r = re.match(r"^(R\d+): (.*)$", row)
            if r:
                cluster_text[r.group(1)] = r.group(2)
            elif row not in ("Lead", "RAG rating"):
                raise ValueError(f"unexpected line in cluster table: {row!r}")
        projects.append({
            "project_number": PROJECT_WORDS[m.group(1)],
            "title": title,
            "lead_officer": lead,
            "strategic_outcomes": "\n".join(outcomes),
            "recommendations_note": note,
            "cqc_said": "\n".join(cqc),
        })

    recommendations: list[dict] = []
    starts = [p for p in range(len(lines)) if re.match(r"^PROJECT (ONE|TWO|THREE|FOUR):$", lines[p])]
    for i, line in enumerate(lines):
        m = re.fullmatch(r"Recommendation (\d+) ?:", line)
        if not m:
            continue
        ref = f"R{m.group(1)}"
        project = sum(1 for p in starts if p < i)
        a = find(lines, r"^Aim:", i + 1)
        text = " ".join(s for s in lines[i + 1:a] if s != "Lead Officer:")
        c = find(lines, r"^CQC said:$", a)
        aim = " ".join(s for s in [lines[a][len("Aim:"):].strip(), *lines[a + 1:c]]
                       if s and s != "Lead Officer:")
        cqc, o = collect_items(lines, c + 1, lambda s: s == "Objectives:")
        objectives, mo = collect_items(lines, o + 1, lambda s: s.startswith("Measureable Outcomes"))
        if not re.fullmatch(r"Measureable Outcomes ?/ ?Milestones:", lines[mo]):
            raise ValueError(f"unexpected outcomes heading {lines[mo]!r}")
        outcomes, _ = collect_items(lines, mo + 1, lambda s: s == "Date Plan Approved:")
        recommendations.append({
            "ref": ref,
            "project_number": project,
            "recommendation": text,
            "aim": aim,
            "cqc_said": "\n".join(cqc),
            "objectives": "\n".join(objectives),
            "measurable_outcomes": "\n".join(outcomes),
            "cluster_table_text": cluster_text.get(ref, ""),
        })
    return projects, recommendations


# ---------------------------------------------------------------- the progress report


def parse_report(lines: list[str]) -> list[dict]:
    """Bullets of 'System progress against the improvement plan' and 'Areas for future focus'."""
    sections = ("What improvements have been made since the LSR?",
                "What improvements are still needed to be made?")
    begin = lines.index("System progress against the improvement plan")
    end = lines.index("What are the reflections of system leaders in York?")
    focus = lines.index("Areas for future focus")
    units: list[dict] = []
    for block, first, last in (("plan", begin + 1, end), ("focus", focus + 1, len(lines))):
        section = "Direction of travel" if block == "focus" else None
        area = "Areas for future focus" if block == "focus" else None
        for line in lines[first:last]:
            if line in sections:
                section, area = line, None
            elif MARKER.match(line):
                kind = "footnote" if line.startswith("*") else "numbered" if line[0].isdigit() else "bullet"
                units.append({"section": section, "area": area, "kind": kind,
                              "finding": MARKER.sub("", line)})
            elif units and units[-1]["section"] == section and not units[-1]["finding"].endswith(TERMINAL):
                units[-1]["finding"] += f" {line}"
            elif block == "plan":
                area = line
            else:
                raise ValueError(f"unexpected line in areas for future focus: {line!r}")
    return units


# Which recommendation(s) each finding concerns. Key: the opening words of the finding (unique).
# Value: list of (ref, link, basis). link is "direct" when the report's area heading or the finding
# itself names the recommendation's subject, "inferred" when it is a topic match made here.
# Text in “curly quotes” inside a basis or why is copied from the documents (the tests check it).
DIR, INF = "direct", "inferred"
FINDING_LINKS: dict[str, list[tuple[str, str, str]]] = {
    # --- made since the LSR: Governance & alignment to STP
    "Although there were still significant challenges": [
        ("R1", DIR, "area heading “Governance & alignment to STP” = R1 (system vision, shared governance)"),
        ("R2", INF, "PBIP is the improvement board of R2 objective 1; R2 milestone “New governance "
                    "arrangements in place and working well”"),
    ],
    "The PBIP was established as the key framework": [
        ("R1", DIR, "“strategic alignment of the wider health and care system (the STP)” (R1)"),
        ("R2", INF, "PBIP “had helped to develop relationships” between system leaders (R2)"),
    ],
    "Our LSR in October/November 2017 identified that work was required": [
        ("R1", DIR, "same topic: links with and alignment to the STP (R1)"),
        ("R12", INF, "pharmacy leads now part of an “STP wide medicines optimisation group” (R12)"),
    ],
    # --- made: Relationships
    "When we carried out the LSR in October/November 2017 we identified that York": [
        ("R2", DIR, "area heading “Relationships”; “lack of trust” between system leaders (R2)"),
    ],
    "At the leadership level, it was clear": [
        ("R2", DIR, "area heading “Relationships”; relationships between system leaders (R2)"),
    ],
    "At an operational level, we saw good relationships": [
        ("R7", INF, "frontline staff working across organisations (R7: staff at the interface)"),
        ("R9", INF, "One Team “shared documentation which improved communication and reduced duplication” "
                    "(R9: integrated assessment)"),
    ],
    # --- made: Joint commissioning
    "Our LSR in October/November 2017 found that limited joint commissioning": [
        ("R4", DIR, "area heading “Joint commissioning” = R4"),
    ],
    "Since the LSR in 2017, Vale of York CCG has participated": [
        ("R4", DIR, "area heading “Joint commissioning” = R4; “focus on commissioning”"),
        ("R2", INF, "programme “contributed to improved relationships across the local authority and the "
                    "CCG” (R2)"),
    ],
    # --- made: Managing social care capacity
    "At the LSR in October/November 2017 we identified that York needed": [
        ("R5", DIR, "restates R5: “develop a system wide response to managing the social care market”"),
    ],
    "The Independent Care Group for North Yorkshire and York had been given": [
        ("R5", DIR, "area heading “Managing social care capacity” = R5; provider voice in the system"),
    ],
    "There were forums for providers to come together": [
        ("R5", DIR, "area heading “Managing social care capacity” = R5; provider forums"),
    ],
    # --- made: Communicating with people who use services
    "We found that since our LSR in October/November 2017 the system had improved": [
        ("R8", DIR, "area heading “Communicating with people who use services” = R8; Live Well York"),
    ],
    "The system had undertaken a considerable amount of engagement": [
        ("R8", DIR, "area heading “Communicating with people who use services” = R8; Live Well York"),
    ],
    "To provide people with the opportunity to have face-to-face": [
        ("R8", DIR, "area heading “Communicating with people who use services” = R8; Talking Points"),
    ],
    "The system had taken part in an engagement exercise": [
        ("R8", DIR, "area heading “Communicating with people who use services” = R8"),
        ("R10", INF, "“home first” is a high-impact change (R10); findings revised the “Joint Transfer of "
                     "Care Protocol”"),
    ],
    # --- made: The High-impact Change Model and multi-disciplinary working
    "At our LSR in October/November 2017 we recommended that the system should prioritise": [
        ("R10", DIR, "restates R10: “prioritise work towards improving performance against the "
                     "high-impact change model”"),
        ("R11", DIR, "the restated recommendation adds “an emphasis on implementing seven-day working "
                     "across the system” (R11)"),
    ],
    "Early discharge planning:": [
        ("R10", DIR, "numbered sub-item of the preceding finding: a high-impact change established (R10)"),
    ],
    "Multi-disciplinary/multi-agency discharge teams:": [
        ("R10", DIR, "numbered sub-item of the preceding finding: a high-impact change established (R10)"),
        ("R9", INF, "“reduced duplication of assessments” (R9: integrated assessment)"),
    ],
    "Home First/discharge to assess:": [
        ("R10", DIR, "numbered sub-item of the preceding finding: a high-impact change established (R10)"),
    ],
    "Enhanced health in care homes:": [
        ("R10", DIR, "numbered sub-item of the preceding finding: a high-impact change established (R10)"),
        ("R11", INF, "Care Home and Dementia Team “providing a seven-day service” (R11)"),
    ],
    "Operational staff we spoke with told us": [
        ("R10", DIR, "“implementation of the high-impact changes” and transfers of care (R10)"),
        ("R11", DIR, "same topic: “seven-day working for social workers and discharge liaison nurses” (R11)"),
        ("R3", INF, "“performance framework based on collectively agreed improvement targets to measure "
                    "impact of initiatives” (R3: evaluation of impact)"),
    ],
    "The One Team, which brought together": [
        ("R9", INF, "“universal documentation and a single point of referral” ... “reduced duplication in "
                    "assessments” (R9: integrated assessment)"),
        ("R4", INF, "“intentions to move towards commissioning the One Team as a single service” "
                    "(R4: joint commissioning)"),
    ],
    "The Local Area Coordinator service in York": [
        ("R4", INF, "“strengths-based approach” matches R4 objective 2 “York will deploy our strengths, "
                    "assets and resources at a local level”; weak: no recommendation names this service"),
    ],
    # --- made: Medicines management
    "At our LSR in October/November 2017 we said that medicine optimisation": [
        ("R12", DIR, "restates R12: “medicine optimisation was not fully embedded in the system”"),
    ],
    # --- made: Continuing healthcare
    "At our LSR in October/November 2017 we identified that there was a lack of awareness": [
        ("R13", DIR, "restates R13: “ensure arrangements were more robust and person-centred”"),
    ],
    "The CCG had placed significant emphasis": [
        ("R13", DIR, "area heading “Continuing healthcare” = R13; fast track audits"),
    ],
    # --- made: Digital interoperability
    "At our LSR in October/November 2017 we said that a review of IT interconnectivity": [
        ("R6", DIR, "restates R6: “a review of IT interconnectivity should be completed”"),
    ],
    # --- still needed: Governance & alignment to STP
    "The establishment of the PBIP demonstrated": [
        ("R1", DIR, "area heading “Governance & alignment to STP” = R1"),
        ("R2", INF, "PBIP is the improvement board of R2 objective 1; “improving collaboration” (R2)"),
    ],
    "We heard that further work was planned": [
        ("R1", DIR, "“partners must agree on the collective system vision and strategy” (R1: system vision)"),
        ("R2", INF, "PBIP “to lead partnership working across the system” (R2)"),
    ],
    # --- still needed: Relationships
    "While certain relationships across York had improved": [
        ("R2", DIR, "area heading “Relationships” = R2; “build trust between partners”"),
    ],
    "Both the CCG and the trust said": [
        ("R2", DIR, "area heading “Relationships” = R2; “a barrier to joint working”"),
        ("R4", INF, "no “shared financial agreements outside of the Better Care Fund”; R4 CQC said "
                    "“budgets remained very separate”"),
    ],
    "Below the system leader level": [
        ("R7", INF, "“improved relationships at an operational level” (R7: staff at the interface)"),
    ],
    "At the time of our Progress Review in November 2018, the trust was in the process": [
        ("R2", DIR, "area heading “Relationships” = R2; appointment “in the interest of system working”"),
    ],
    # --- still needed: Joint commissioning
    "At the LSR in October/November 2017 we said that the system should place": [
        ("R4", DIR, "restates R4: “place a greater emphasis on joint commissioning”"),
    ],
    "At the time of the 2017 LSR a joint commissioning strategy": [
        ("R4", DIR, "area heading “Joint commissioning” = R4; joint commissioning strategy"),
    ],
    "While there had been a reduction in the proportion of emergency admissions": [
        ("R4", DIR, "area heading “Joint commissioning” = R4; commissioners"),
        ("R3", INF, "no data “to effectively evaluate the impact of all services and schemes” "
                    "(R3: evaluation of impact)"),
    ],
    # --- still needed: Managing social care capacity
    "At our LSR in October/November 2017 independent providers told us": [
        ("R5", DIR, "area heading “Managing social care capacity” = R5; providers and "
                    "“the home care market”"),
    ],
    "Providers were not clear on the system's strategic approach": [
        ("R5", DIR, "same topic: “managing the social care market” (R5)"),
    ],
    "Sixty-five per-cent of people who access social care": [
        ("R5", DIR, "same topic: the social care market and capacity (R5; R5 CQC said on self-funders)"),
    ],
    "At our Progress Review in November 2018 we found that establishing a sustainable workforce": [
        ("R5", DIR, "area heading “Managing social care capacity” = R5; R5 objective 2 “We will support "
                    "initiatives to promote careers in health and social care.”"),
        ("R2", INF, "R2 CQC said “There was not a collaborative, system-wide workforce strategy”"),
    ],
    # --- still needed: Communicating with people who use services
    "The system had come a long way": [
        ("R8", DIR, "area heading “Communicating with people who use services” = R8; Live Well York"),
    ],
    # --- still needed: The High Impact Change Model and multi-disciplinary working
    "At our LSR in October/November 2017 we found that the system had not made enough progress": [
        ("R10", DIR, "same topic: “establishing the high-impact changes for managing "
                     "transfers of care” (R10)"),
        ("R3", INF, "“continues to monitor and evaluate the impact of initiatives” "
                    "(R3: evaluation of impact)"),
    ],
    "The system had set ambitions to establish seven-day working": [
        ("R11", DIR, "same topic: “seven-day working across the system” (R11)"),
        ("R5", INF, "care homes and domiciliary care “unwilling to accept new referrals at the weekend”; "
                    "strategic provider forums (R5)"),
    ],
    "Limited progress had been made to implement the trusted assessor model": [
        ("R10", DIR, "same topic: trusted assessor, one of the high-impact changes (R10)"),
        ("R9", INF, "“trusted assessor model across health and social care” (R9: integrated assessment)"),
    ],
    "Good progress had been made in the development of the One team": [
        ("R9", INF, "One Team, the integrated assessment and reablement service (R9)"),
        ("R7", INF, "“barriers and inefficiencies in collaborative working” between organisations (R7)"),
    ],
    # --- still needed: Continuing Healthcare
    "Despite improvements to pathways and processes": [
        ("R13", DIR, "area heading “Continuing Healthcare” = R13; Fast Track CHC"),
    ],
    # --- still needed: Digital interoperability
    "No significant progress had been made in digital interoperability": [
        ("R6", DIR, "area heading “Digital interoperability” = R6"),
    ],
    # --- Direction of travel: Areas for future focus
    "System leaders should review the York Improvement Plan": [
        ("R3", INF, "“assess progress made against the expected impact” (R3: evaluation of impact)"),
        ("R1", INF, "“accountable to the Health and Wellbeing Board for designated actions” "
                    "(R1: specifying accountabilities)"),
    ],
    "System leaders should continue to focus on developing relationships": [
        ("R2", DIR, "same topic: “developing relationships and partnership working” (R2)"),
        ("R1", INF, "“agree on the collective system vision and strategy” (R1: system vision)"),
    ],
    "Directors of Finance across health and care": [
        ("R4", DIR, "same topic: “a joint commissioning strategy is developed as a matter of priority” (R4)"),
        ("R3", INF, "“strengthening performance metrics and data” for “the impact of commissioned "
                    "services and schemes” (R3)"),
    ],
    "The system should accelerate the development of a system workforce": [
        ("R5", INF, "workforce strategy “co-produced with independent care providers” (R5 objective 2)"),
        ("R2", INF, "R2 CQC said “There was not a collaborative, system-wide workforce strategy”"),
    ],
    "The system should continue to work with independent providers": [
        ("R11", DIR, "same topic: “a seven-day service model” (R11)"),
        ("R10", DIR, "same topic: “trusted assessment”, one of the high-impact changes (R10)"),
        ("R5", INF, "“work with independent providers and utilise engagement forums” (R5)"),
    ],
    "The system should continue to develop and promote the Live Well York": [
        ("R8", DIR, "same topic: “Live Well York website” (R8)"),
    ],
}

# Bullets left out on purpose (see README): statements about the plan as a whole.
FINDINGS_NOT_LINKED = (
    "At our Progress Review we found that progress against the areas for improvement",
)

# What each recommendation is meant to move: (ref, indicator_id, why).
INDICATOR_LINKS: list[tuple[str, str, str]] = [
    ("R5", "care_home_admissions_65",
     "Plan R5 CQC said: limited social care capacity was “putting pressure on other parts of the system, "
     "including care packages and care home availability”; aim “Support York people to remain living at "
     "home as their needs change.”"),
    ("R5", "dtoc_18",
     "Plan R5 CQC said: “transfer home or to a new place of residence was often delayed due to a lack of "
     "adult social care provision, care packages and patient choice.”"),
    ("R9", "falls_admissions_65",
     "Plan R9 CQC said: “people at increased risk of falls had been referred to the falls clinic” but "
     "there was no indication “of how frailty or people at risk had been identified within the community”."),
    ("R10", "dtoc_18",
     "Plan R10 CQC said: “people frequently remained in hospital beds unnecessarily”; the progress report "
     "calls the model “the high-impact changes for managing transfers of care”."),
    ("R10", "length_of_stay_65",
     "Plan R10 CQC said: “we saw no expected date of discharge in any medical record” and “people "
     "frequently remained in hospital beds unnecessarily”."),
    ("R10", "emergency_admissions_65",
     "Plan R10 CQC said: “people were admitted inappropriately and admission could have been avoided, "
     "given the correct level of support in the community.”"),
    ("R10", "ae_attendances_65",
     "Plan R10 CQC said: “there was a potential opportunity for more people to be managed at home without "
     "the need for conveyance to hospital.”"),
    ("R10", "care_home_admissions_65",
     "Progress report: “Enhanced health in care homes” is one of the four high-impact changes established "
     "(a Care Home Virtual Team “to support care home residents”)."),
    ("R11", "dtoc_18",
     "Plan R11: “to ensure the people of York are able to return to their usual place of residence at "
     "the earliest opportunity”; CQC said “people were not being appropriately discharged at weekends”."),
    ("R11", "length_of_stay_65",
     "Plan R11 CQC said: “The lack of seven day working meant a significant number of people were not "
     "being discharged at weekends.” Stays that wait for Monday are longer stays."),
    ("R12", "readmissions_65",
     "Plan R12 CQC said: GPs in urgent care could not identify “what medication the person using services "
     "had been prescribed” and “no preventative work was being undertaken in terms of medicines "
     "optimisation”."),
    ("R12", "emergency_admissions_65",
     "Plan R12 CQC said: “no preventative work was being undertaken in terms of medicines optimisation or "
     "admission avoidance.”"),
    ("R13", "dtoc_18",
     "Plan R13 CQC said: CHC relationships were “leading to delays in reaching agreements”; progress report: "
     "“more DTOC being attributed to CHC”."),
]


def link_findings(units: list[dict]) -> list[dict]:
    """One row per (finding, recommendation) pair, with finding ids F01... in report order."""
    rows: list[dict] = []
    used: set[str] = set()
    number = 0
    for unit in units:
        if unit["kind"] == "footnote" or unit["finding"].startswith(FINDINGS_NOT_LINKED):
            continue
        keys = [k for k in FINDING_LINKS if unit["finding"].startswith(k)]
        if len(keys) != 1:
            raise ValueError(f"need exactly one FINDING_LINKS key, got {keys}: {unit['finding'][:80]!r}")
        used.add(keys[0])
        number += 1
        for ref, link, basis in FINDING_LINKS[keys[0]]:
            rows.append({
                "finding_id": f"F{number:02d}",
                "recommendation_ref": ref,
                "section": unit["section"],
                "area": unit["area"],
                "finding": unit["finding"],
                "review_date": REVIEW_DATE,
                "source": REPORT_NAME,
                "link": link,
                "basis": basis,
            })
    unused = set(FINDING_LINKS) - used
    if unused:
        raise ValueError(f"FINDING_LINKS keys that match nothing: {sorted(unused)}")
    return rows


def build() -> dict[str, pd.DataFrame]:
    """All four tables, keyed by file name, built from the source documents."""
    projects, recommendations = parse_plan(to_lines(PLAN_SOURCE.read_text(encoding="utf-8")))
    findings = link_findings(parse_report(to_lines(REPORT_SOURCE.read_text(encoding="utf-8"))))
    links = [{"recommendation_ref": r, "indicator_id": i, "why": w} for r, i, w in INDICATOR_LINKS]
    return {
        "projects.csv": pd.DataFrame(projects),
        "recommendations.csv": pd.DataFrame(recommendations),
        "cqc_progress_findings.csv": pd.DataFrame(findings),
        "indicator_links.csv": pd.DataFrame(links),
    }


def main() -> None:
    """Write the four CSVs (UTF-8, every text field quoted, Unix newlines) next to this script."""
    tables = build()
    for name, frame in tables.items():
        frame.to_csv(HERE / name, index=False, encoding="utf-8", quoting=csv.QUOTE_NONNUMERIC,
                     lineterminator="\n")
    findings = tables["cqc_progress_findings.csv"]
    print(", ".join(f"{name}: {len(frame)} rows" for name, frame in tables.items())
          + f" ({findings['finding_id'].nunique()} distinct findings)")


if __name__ == "__main__":
    main()
