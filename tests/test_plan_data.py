"""Checks of data/plan/ (the York improvement plan as data) against the two source documents."""

from __future__ import annotations

import csv
import importlib.util
import re
from pathlib import Path

import pandas as pd
import pytest

PLAN_DIR = Path(__file__).resolve().parents[1] / "data" / "plan"
PLAN_SOURCE = PLAN_DIR / "sources" / "000_84e72b45ca875579.txt"
REPORT_SOURCE = PLAN_DIR / "sources" / "001_f360b5d831bfc93c.txt"
SHARED_SEEDS = Path("/work/shared/seeds")
REFS = [f"R{n}" for n in range(1, 14)]
PROJECT_OF = {**{f"R{n}": 1 for n in (1, 2, 3)}, **{f"R{n}": 2 for n in (4, 5, 6, 7)},
              **{f"R{n}": 3 for n in range(8, 14)}}
INDICATORS = {"ae_attendances_65", "emergency_admissions_65", "care_home_admissions_65",
              "length_of_stay_65", "dtoc_18", "readmissions_65", "falls_admissions_65"}
LIST_FIELDS = ("cqc_said", "objectives", "measurable_outcomes")
TERMINAL = (".", ":", "!", "?", ")")


def norm(text: str) -> str:
    """The README's normalisation: drop HTML tags, "**", "•", list markers; collapse whitespace."""
    text = re.sub(r"<ol[^>]*>[^<\t\n]*",
                  lambda m: re.sub(r"(?<=\s)\d{1,2}\.\s", " ", m.group(0)), text)
    text = re.sub(r"<[^>]+>", " ", text).replace("**", "").replace("•", " ")
    text = re.sub(r"(?m)^[ \t]*(?:[-*]|\d{1,2}\.)[ \t]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def esc(text: str) -> str:
    """Regex for the normalised text."""
    return re.escape(norm(text))


def items(field: str) -> list[str]:
    """The newline-separated items of a list field."""
    return [item for item in field.split("\n") if item] if field else []


def read(name: str) -> pd.DataFrame:
    """A data/plan CSV with every column as text and empty cells as ""."""
    return pd.read_csv(PLAN_DIR / name, dtype=str, keep_default_na=False, encoding="utf-8")


@pytest.fixture(scope="module")
def plan_text() -> str:
    return norm(PLAN_SOURCE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def report_text() -> str:
    return norm(REPORT_SOURCE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def projects() -> pd.DataFrame:
    return read("projects.csv")


@pytest.fixture(scope="module")
def recs() -> pd.DataFrame:
    return read("recommendations.csv")


@pytest.fixture(scope="module")
def findings() -> pd.DataFrame:
    return read("cqc_progress_findings.csv")


@pytest.fixture(scope="module")
def links() -> pd.DataFrame:
    return read("indicator_links.csv")


@pytest.fixture(scope="module")
def readme() -> str:
    return (PLAN_DIR / "README.md").read_text(encoding="utf-8")


# ---------------------------------------------------------------- sources and files


@pytest.mark.skipif(not SHARED_SEEDS.is_dir(), reason="shared seed folder not present")
def test_source_copies_are_identical_to_the_seeds():
    """The documents kept in data/plan/sources are byte-for-byte the seed documents."""
    for copy in (PLAN_SOURCE, REPORT_SOURCE):
        assert copy.read_bytes() == (SHARED_SEEDS / copy.name).read_bytes()


def test_norm_strips_markup_and_list_markers_only():
    """The normalisation removes tags, bold, bullets and list numbers but keeps numbers inside text."""
    raw = '<p>Objectives:</p> <ol style="x"> 1. Do A 2. Do B in 2016. </ol>\n- **Item** one\n 3. Three'
    assert norm(raw) == "Objectives: Do A Do B in 2016. Item one Three"


def test_csv_files_are_utf8_with_quoted_text():
    """Every CSV is UTF-8 and quotes its text fields, header included."""
    for name in ("projects.csv", "recommendations.csv", "cqc_progress_findings.csv", "indicator_links.csv"):
        text = (PLAN_DIR / name).read_bytes().decode("utf-8")
        header = next(csv.reader([text.split("\n", 1)[0]]))
        assert text.startswith('"') and text.split("\n", 1)[0] == ",".join(f'"{h}"' for h in header)


def test_csvs_are_exactly_what_the_build_script_produces():
    """The committed CSVs match build_plan_data.py run on the sources, so none was edited by hand."""
    spec = importlib.util.spec_from_file_location("build_plan_data", PLAN_DIR / "build_plan_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name, frame in module.build().items():
        expected = frame.astype(str).reset_index(drop=True)
        pd.testing.assert_frame_equal(read(name), expected, check_dtype=False)


# ---------------------------------------------------------------- projects


def test_four_projects_and_project_four_recommendations_are_tbc(projects):
    """There are projects 1-4 and only project 4 carries the note "TBC"."""
    assert projects["project_number"].tolist() == ["1", "2", "3", "4"]
    assert projects.set_index("project_number")["recommendations_note"].to_dict() == {
        "1": "", "2": "", "3": "", "4": "TBC"}


def test_project_text_is_verbatim(projects, plan_text):
    """Every project title, lead officer, strategic outcome and CQC-said item is in the plan."""
    for row in projects.itertuples():
        for piece in [row.title, row.lead_officer, *items(row.strategic_outcomes), *items(row.cqc_said)]:
            assert norm(piece) in plan_text, piece


def test_project_blocks_are_complete(projects, plan_text):
    """Each project's fields, joined in order, rebuild its whole section of the plan with nothing cut."""
    words = {"1": "ONE", "2": "TWO", "3": "THREE", "4": "FOUR"}
    for row in projects.itertuples():
        lead = f"{esc(row.lead_officer)} " if row.lead_officer else ""
        note = f"{esc(row.recommendations_note)} " if row.recommendations_note else ""
        pattern = (rf"PROJECT {words[row.project_number]}: {esc(row.title)} Lead Officer: {lead}"
                   rf"CQC said: {esc(row.cqc_said)} Strategic Outcomes: {esc(row.strategic_outcomes)} "
                   rf"(?:Local System )?Recommendations in this cluster {note}Lead RAG rating")
        assert re.search(pattern, plan_text), f"project {row.project_number}"


# ---------------------------------------------------------------- recommendations


def test_thirteen_recommendations_in_their_projects(recs):
    """R1-R13 appear once each, R1-R3 in project 1, R4-R7 in project 2, R8-R13 in project 3."""
    assert recs["ref"].tolist() == REFS
    assert dict(zip(recs["ref"], recs["project_number"].astype(int), strict=True)) == PROJECT_OF


def test_recommendation_text_is_verbatim(recs, plan_text):
    """Every recommendation text, aim, and list item is in the plan."""
    for row in recs.itertuples():
        pieces = [row.recommendation, row.aim, row.cluster_table_text]
        pieces += [item for field in LIST_FIELDS for item in items(getattr(row, field))]
        for piece in pieces:
            assert norm(piece) in plan_text, (row.ref, piece)


def test_recommendation_blocks_are_complete(recs, plan_text):
    """Each recommendation's fields rebuild its page from heading to "Date Plan Approved:", so none is cut."""
    for row in recs.itertuples():
        outcomes = f"{esc(row.measurable_outcomes)} " if row.measurable_outcomes else ""
        pattern = (rf"Recommendation {row.ref[1:]} ?: ?(?:Lead Officer: )?{esc(row.recommendation)} "
                   rf"Aim: {esc(row.aim)} (?:Lead Officer: )?(?:-+ )*CQC said: {esc(row.cqc_said)} "
                   rf"Objectives: {esc(row.objectives)} Measureable Outcomes ?/ ?Milestones: ?{outcomes}"
                   r"Date Plan Approved:")
        assert re.search(pattern, plan_text), row.ref


def test_cluster_table_rows_are_whole(recs, plan_text):
    """Each cluster-table text is the whole row after "Rn:", ending where the next row or heading starts."""
    for row in recs.itertuples():
        if row.cluster_table_text:
            pattern = rf"{row.ref}: {esc(row.cluster_table_text)} (?:R\d+:|Recommendation \d|---)"
            assert re.search(pattern, plan_text), row.ref


def test_recommendation_and_aim_are_never_empty(recs):
    """Every recommendation has its CQC recommendation text and its aim."""
    assert (recs["recommendation"] != "").all() and (recs["aim"] != "").all()


def test_empty_fields_are_declared_in_readme(recs, projects, readme):
    """Every empty field is listed in the README's "- `column`: R.." lines as absent from the document."""
    declared: dict[str, set[str]] = {}
    for match in re.finditer(r"(?m)^- `(\w+)`: (.*)$", readme):
        found = re.findall(r"\bR\d+\b|\bproject \d\b", match.group(2))
        declared.setdefault(match.group(1), set()).update(found)
    for row in recs.itertuples():
        for field in ("recommendation", "aim", "cluster_table_text", *LIST_FIELDS):
            if getattr(row, field) == "":
                assert row.ref in declared.get(field, set()), (row.ref, field)
    for row in projects.itertuples():
        if row.lead_officer == "":
            assert f"project {row.project_number}" in declared.get("lead_officer", set())


# ---------------------------------------------------------------- progress findings


def test_findings_are_verbatim(findings, report_text):
    """Every finding text is in the progress report."""
    for text in findings["finding"].unique():
        assert norm(text) in report_text, text[:80]


def test_findings_are_whole_bullets(findings):
    """Each finding starts at a bullet and runs to the end of that bullet, across page breaks."""
    raw = REPORT_SOURCE.read_text(encoding="utf-8").replace("**", "")
    for text in findings["finding"].unique():
        body = r"\s+".join(re.escape(word) for word in text.split(" "))
        match = re.search(rf"(?m)^[ \t]*(?:[-*•]|\d{{1,2}}\.)[ \t]+{body}[ \t]*$", raw)
        assert match, text[:80]
        assert text.endswith(TERMINAL), text[-40:]
        following = re.match(r"\s*(\S?)", raw[match.end():]).group(1)
        assert not following.islower(), f"continues after: {text[-40:]!r}"


def test_finding_areas_and_sections_are_report_headings(findings):
    """Each finding's area and section is a heading line of the progress report."""
    lines = {line.strip() for line in REPORT_SOURCE.read_text(encoding="utf-8").splitlines()}
    for value in set(findings["area"]) | set(findings["section"]):
        assert value in lines, value


def test_findings_reference_existing_recommendations(findings):
    """Every finding row names one of R1-R13."""
    assert set(findings["recommendation_ref"]) <= set(REFS)


def test_finding_rows_are_consistent(findings):
    """A finding id always carries the same text, appears once per ref, and every row has its provenance."""
    assert findings.groupby("finding_id")["finding"].nunique().eq(1).all()
    assert not findings.duplicated(["finding_id", "recommendation_ref"]).any()
    assert not findings.drop_duplicates("finding_id").duplicated("finding").any()
    assert set(findings["review_date"]) == {"2018-11-20"}
    assert set(findings["source"]) == {"CQC York Local System Review Progress Report, November 2018"}
    assert set(findings["link"]) <= {"direct", "inferred"}
    assert (findings["basis"].str.len() > 0).all()


def test_every_recommendation_has_a_progress_finding(findings):
    """The progress report says something about each of R1-R13."""
    assert set(findings["recommendation_ref"]) == set(REFS)


# ---------------------------------------------------------------- indicator links


def test_links_name_known_indicators_and_recommendations(links):
    """Every link joins an existing recommendation to a known indicator id, once, with a reason."""
    assert set(links["indicator_id"]) <= INDICATORS
    assert set(links["recommendation_ref"]) <= set(REFS)
    assert not links.duplicated(["recommendation_ref", "indicator_id"]).any()
    assert (links["why"].str.len() > 0).all()


def test_required_links_are_present(links):
    """R10 and R11 move DToC and length of stay, R12 readmissions, R5 care-home admissions."""
    pairs = set(zip(links["recommendation_ref"], links["indicator_id"], strict=True))
    assert {("R10", "dtoc_18"), ("R10", "length_of_stay_65"), ("R11", "dtoc_18"),
            ("R11", "length_of_stay_65"), ("R12", "readmissions_65"),
            ("R5", "care_home_admissions_65")} <= pairs


def test_quotations_in_reasons_are_from_the_documents(findings, links, plan_text, report_text):
    """Text in curly quotes in a basis or why is copied from one of the two documents."""
    reasons = list(findings["basis"]) + list(links["why"])
    quotes = [q for reason in reasons for q in re.findall(r"“([^”]+)”", reason)]
    assert quotes
    for quote in quotes:
        for part in quote.split(" ... "):
            assert norm(part) in plan_text or norm(part) in report_text, part
