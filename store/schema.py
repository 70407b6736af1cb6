"""The DuckDB schema, and the forward migrations that bring any older file up to date.

A migration is appended, never edited: a user's database at version n is brought to the latest
version by running migrations n+1, n+2, … in order, each in its own transaction. The user's file is
never deleted to "fix" a schema.

Stable views for analysts (any DuckDB client may query them; their columns only ever grow):

- `observations`: one row per indicator, area and period, the current value. Columns
  `indicator_id, indicator_name, area_code, area_name, area_type, period_start, period_end,
  numerator, denominator, value, value_note, unit, multiplier, source, is_proxy, is_demonstration,
  population_note, load_id, loaded_at`. For indicators whose denominator is a population
  (`indicators.population_age_band`), the denominator is the ONS mid-year estimate for the year the
  period starts in, and the value is unavailable (NULL) where that population is missing.
- `current_populations`: `area_code, year, age_band, population, approximation`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import duckdb

from store import audit
from store.primitives import is_lake

_V1 = """
CREATE TABLE areas (
    area_code   VARCHAR PRIMARY KEY CHECK (length(area_code) BETWEEN 3 AND 12),
    area_name   VARCHAR NOT NULL CHECK (length(trim(area_name)) > 0),
    area_type   VARCHAR NOT NULL,
    region      VARCHAR
);

CREATE TABLE indicators (
    indicator_id          VARCHAR PRIMARY KEY CHECK (regexp_full_match(indicator_id, '[a-z][a-z0-9_]*')),
    name                  VARCHAR NOT NULL,
    short_name            VARCHAR NOT NULL,
    definition            VARCHAR NOT NULL,
    unit                  VARCHAR NOT NULL,
    multiplier            DOUBLE  NOT NULL CHECK (multiplier > 0),
    value_kind            VARCHAR NOT NULL CHECK (value_kind IN ('rate', 'percentage', 'count', 'published')),
    numerator_meaning     VARCHAR NOT NULL,
    denominator_meaning   VARCHAR,
    population_age_band   VARCHAR CHECK (population_age_band IN ('all', '18+', '65+')),
    age_band              VARCHAR NOT NULL,
    frequency             VARCHAR NOT NULL CHECK (frequency IN ('monthly', 'quarterly', 'annual')),
    publication_lag_days  INTEGER NOT NULL CHECK (publication_lag_days >= 0),
    improvement_direction VARCHAR NOT NULL CHECK (improvement_direction IN ('increase', 'decrease', 'neutral')),
    target                DOUBLE,
    source                VARCHAR NOT NULL,
    publisher             VARCHAR NOT NULL,
    area_relation         VARCHAR NOT NULL CHECK (area_relation IN ('local_authority', 'ccg', 'acute_trust')),
    is_proxy              BOOLEAN NOT NULL,
    is_demonstration      BOOLEAN NOT NULL,
    caveat                VARCHAR,
    display_order         INTEGER NOT NULL
);

-- Which NHS organisations serve a local authority, so proxies measured for a CCG or a trust can be
-- shown on that council's pages.
CREATE TABLE area_links (
    area_code    VARCHAR NOT NULL,
    relation     VARCHAR NOT NULL CHECK (relation IN ('ccg', 'acute_trust')),
    linked_code  VARCHAR NOT NULL,
    PRIMARY KEY (area_code, relation)
);

CREATE SEQUENCE load_id_seq START 1;
CREATE TABLE loads (
    load_id          INTEGER PRIMARY KEY DEFAULT nextval('load_id_seq'),
    file_name        VARCHAR NOT NULL,
    sha256           VARCHAR NOT NULL CHECK (regexp_full_match(sha256, '[0-9a-f]{64}')),
    loader           VARCHAR NOT NULL,
    row_count        INTEGER NOT NULL CHECK (row_count >= 0),
    loaded_at        TIMESTAMP NOT NULL,
    loaded_by        VARCHAR NOT NULL CHECK (length(trim(loaded_by)) > 0),
    is_demonstration BOOLEAN NOT NULL
);

-- Every version of every observation. A load never updates a value in place: it marks the row it
-- replaces as superseded and inserts the new one, so history is kept and a load can be undone.
CREATE TABLE observation_rows (
    indicator_id  VARCHAR NOT NULL,
    area_code     VARCHAR NOT NULL,
    period_start  DATE    NOT NULL,
    period_end    DATE    NOT NULL,
    numerator     DOUBLE  CHECK (numerator >= 0),
    denominator   DOUBLE  CHECK (denominator > 0),
    value         DOUBLE,
    value_note    VARCHAR,
    load_id       INTEGER NOT NULL,
    superseded_by INTEGER,
    CHECK (period_end >= period_start)
);

CREATE TABLE population_rows (
    area_code     VARCHAR NOT NULL,
    year          INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 2200),
    age_band      VARCHAR NOT NULL CHECK (age_band IN ('all', '18+', '65+')),
    population    BIGINT  CHECK (population >= 0),
    approximation VARCHAR,
    load_id       INTEGER NOT NULL,
    superseded_by INTEGER
);

-- Append-only: the store inserts here and never updates or deletes (tests/test_store.py checks
-- that no SQL in the store does).
CREATE SEQUENCE audit_id_seq START 1;
CREATE TABLE audit (
    audit_id   INTEGER PRIMARY KEY DEFAULT nextval('audit_id_seq'),
    audited_at TIMESTAMP NOT NULL,
    user_name  VARCHAR NOT NULL,
    action     VARCHAR NOT NULL,
    load_id    INTEGER,
    detail     VARCHAR
);

CREATE VIEW current_populations AS
SELECT area_code, year, age_band, population, approximation
FROM population_rows
WHERE superseded_by IS NULL;

CREATE VIEW observations AS
SELECT
    o.indicator_id,
    i.name AS indicator_name,
    o.area_code,
    a.area_name,
    a.area_type,
    o.period_start,
    o.period_end,
    o.numerator,
    CASE WHEN i.population_age_band IS NOT NULL AND o.denominator IS NULL AND o.value IS NULL
         THEN p.population::DOUBLE ELSE o.denominator END AS denominator,
    CASE WHEN i.population_age_band IS NOT NULL AND o.denominator IS NULL AND o.value IS NULL
         THEN o.numerator / nullif(p.population, 0) * i.multiplier
         ELSE o.value END AS value,
    o.value_note,
    i.unit,
    i.multiplier,
    i.source,
    i.is_proxy,
    l.is_demonstration,
    CASE WHEN i.population_age_band IS NOT NULL AND o.denominator IS NULL AND o.value IS NULL
         THEN p.approximation END AS population_note,
    o.load_id,
    l.loaded_at
FROM observation_rows o
JOIN indicators i USING (indicator_id)
JOIN loads l USING (load_id)
LEFT JOIN areas a USING (area_code)
LEFT JOIN current_populations p
       ON p.area_code = o.area_code
      AND p.year = year(o.period_start)
      AND p.age_band = i.population_age_band
WHERE o.superseded_by IS NULL;
"""

# Migration 2: events from the source documents and the rebase dates analysts set on a chart.
#
# Stable tables for analysts (columns only ever grow):
# - `events`: `event_date, end_date, label, source`, reviewed data from data/events.csv, drawn on
#   every indicator chart. `end_date` is set for an event that spans days or weeks.
# - `rebase_dates`: `indicator_id, area_code, rebase_date, reason, set_by, set_at`; an XmR chart of
#   that indicator and area starts a new set of limits at each date.
_V2_EVENTS = """
CREATE TABLE events (
    event_date DATE    NOT NULL,
    end_date   DATE,
    label      VARCHAR NOT NULL CHECK (length(trim(label)) > 0),
    source     VARCHAR NOT NULL CHECK (length(trim(source)) > 0),
    CHECK (end_date IS NULL OR end_date >= event_date)
);

CREATE TABLE rebase_dates (
    indicator_id VARCHAR   NOT NULL,
    area_code    VARCHAR   NOT NULL,
    rebase_date  DATE      NOT NULL,
    reason       VARCHAR   NOT NULL CHECK (length(trim(reason)) > 0),
    set_by       VARCHAR   NOT NULL CHECK (length(trim(set_by)) > 0),
    set_at       TIMESTAMP NOT NULL,
    PRIMARY KEY (indicator_id, area_code, rebase_date)
);
"""

# Migration 3: the improvement plan (data/plan/) and its actions.
#
# Stable views for analysts (columns only ever grow):
# - `plan_recommendations`: `project_number, project_title, ref, recommendation, aim`, one row per
#   CQC recommendation R1-R13.
# - `plan_actions`: `ref, recommendation_ref, description, lead, due_date, progress, rag, is_overdue,
#   is_demonstration, updated_by, updated_at` (and `completed_on`). `rag` is Red, Amber, Green,
#   Blue (complete) or Grey (not started); `is_overdue` is true when the action is not Blue and its
#   due date is before today. Every change to an action is in `plan_action_history`, which is
#   append-only: the store inserts there and never updates or deletes.
_V3_PLAN = """
CREATE TABLE plan_projects (
    project_number       INTEGER PRIMARY KEY,
    title                VARCHAR NOT NULL,
    lead_officer         VARCHAR,
    strategic_outcomes   VARCHAR,
    recommendations_note VARCHAR,
    cqc_said             VARCHAR
);

CREATE TABLE plan_recommendations_t (
    ref                 VARCHAR PRIMARY KEY CHECK (regexp_full_match(ref, 'R[0-9]+')),
    project_number      INTEGER NOT NULL,
    recommendation      VARCHAR NOT NULL,
    aim                 VARCHAR NOT NULL,
    cqc_said            VARCHAR,
    objectives          VARCHAR,
    measurable_outcomes VARCHAR,
    cluster_table_text  VARCHAR
);

CREATE TABLE plan_findings (
    finding_id         VARCHAR NOT NULL,
    recommendation_ref VARCHAR NOT NULL,
    section            VARCHAR NOT NULL,
    area               VARCHAR NOT NULL,
    finding            VARCHAR NOT NULL,
    review_date        DATE NOT NULL,
    source             VARCHAR NOT NULL,
    link               VARCHAR NOT NULL CHECK (link IN ('direct', 'inferred')),
    basis              VARCHAR,
    PRIMARY KEY (finding_id, recommendation_ref)
);

CREATE TABLE plan_indicator_links (
    recommendation_ref VARCHAR NOT NULL,
    indicator_id       VARCHAR NOT NULL,
    why                VARCHAR,
    PRIMARY KEY (recommendation_ref, indicator_id)
);

-- The current state of each action; every change is also appended to plan_action_history.
CREATE TABLE plan_actions_t (
    ref                VARCHAR PRIMARY KEY CHECK (regexp_full_match(ref, 'R[0-9]+\\.[0-9]+')),
    recommendation_ref VARCHAR NOT NULL,
    description        VARCHAR NOT NULL CHECK (length(trim(description)) > 0),
    lead               VARCHAR,
    due_date           DATE,
    progress           VARCHAR,
    rag                VARCHAR NOT NULL CHECK (rag IN ('Red', 'Amber', 'Green', 'Blue', 'Grey')),
    completed_on       DATE,
    is_demonstration   BOOLEAN NOT NULL,
    created_by         VARCHAR NOT NULL,
    created_at         TIMESTAMP NOT NULL,
    updated_by         VARCHAR NOT NULL CHECK (length(trim(updated_by)) > 0),
    updated_at         TIMESTAMP NOT NULL
);

CREATE SEQUENCE plan_history_id_seq START 1;
CREATE TABLE plan_action_history (
    history_id  INTEGER PRIMARY KEY DEFAULT nextval('plan_history_id_seq'),
    action_ref  VARCHAR NOT NULL,
    changed_at  TIMESTAMP NOT NULL,
    changed_by  VARCHAR NOT NULL CHECK (length(trim(changed_by)) > 0),
    field       VARCHAR NOT NULL,
    old_value   VARCHAR,
    new_value   VARCHAR
);

CREATE VIEW plan_recommendations AS
SELECT r.project_number, p.title AS project_title, r.ref, r.recommendation, r.aim
FROM plan_recommendations_t AS r
LEFT JOIN plan_projects AS p USING (project_number);

CREATE VIEW plan_actions AS
SELECT ref, recommendation_ref, description, lead, due_date, progress, rag,
       (rag <> 'Blue' AND due_date IS NOT NULL AND due_date < current_date) AS is_overdue,
       is_demonstration, updated_by, updated_at, completed_on
FROM plan_actions_t;
"""

# Migration 4: taking a load back (undo) exactly.
#
# - `load_undone`: the record of each undone load (every column it had in `loads`, which it leaves so
#   the store is exactly as before the load), with who undid it and when. The audit has a line too.
# - `load_prior_indicators` and `load_prior_areas`: what a load changed outside the versioned rows
#   (an indicator's demonstration flag; areas it added or gave a region), kept so undo can restore it.
_V4_UNDO = """
CREATE TABLE load_undone (
    load_id          INTEGER PRIMARY KEY,
    file_name        VARCHAR NOT NULL,
    sha256           VARCHAR NOT NULL,
    loader           VARCHAR NOT NULL,
    row_count        INTEGER NOT NULL,
    loaded_at        TIMESTAMP NOT NULL,
    loaded_by        VARCHAR NOT NULL,
    is_demonstration BOOLEAN NOT NULL,
    undone_at        TIMESTAMP NOT NULL,
    undone_by        VARCHAR NOT NULL CHECK (length(trim(undone_by)) > 0)
);

CREATE TABLE load_prior_indicators (
    load_id          INTEGER NOT NULL,
    indicator_id     VARCHAR NOT NULL,
    is_demonstration BOOLEAN NOT NULL,
    PRIMARY KEY (load_id, indicator_id)
);

CREATE TABLE load_prior_areas (
    load_id   INTEGER NOT NULL,
    area_code VARCHAR NOT NULL,
    existed   BOOLEAN NOT NULL,
    region    VARCHAR,
    PRIMARY KEY (load_id, area_code)
);
"""

# Migration 5: one answer to "which area is this indicator measured for", a chained audit, and the
# loads that predate undo.
#
# - `indicator_subjects`: `area_code, indicator_id, subject_code` for every area and indicator: the
#   council itself, or the CCG or acute trust that serves it (`area_links`) for indicators measured
#   for an NHS organisation. Every query that needs it reads this view.
# - `audit_chain`: `audit_id, row_hash`, sha256 over the previous hash and the audit line (see
#   store/audit.py); lines already in the audit are chained in order by this migration.
# - `load_reasserted_observations` / `load_reasserted_populations`: the keys each load repeated
#   unchanged (it stored no new version of them), so undo can hand such rows on to the load still
#   holding them, as a rebuild would.
# - `loads_without_prior_state`: loads made before this migration, which did not record everything
#   an undo needs (nothing at all before migration 4); undo refuses them.
_V5_CHAIN = """
CREATE VIEW indicator_subjects AS
SELECT a.area_code, i.indicator_id,
       CASE WHEN i.area_relation = 'local_authority' THEN a.area_code ELSE link.linked_code END AS subject_code
FROM areas AS a
CROSS JOIN indicators AS i
LEFT JOIN area_links AS link ON link.area_code = a.area_code AND link.relation = i.area_relation;

CREATE TABLE audit_chain (
    audit_id INTEGER PRIMARY KEY,
    row_hash VARCHAR NOT NULL CHECK (regexp_full_match(row_hash, '[0-9a-f]{64}'))
);

-- Keys a load repeated unchanged: it stored no new version of them, yet holds them (undo needs it).
CREATE TABLE load_reasserted_observations (
    load_id      INTEGER NOT NULL,
    indicator_id VARCHAR NOT NULL,
    area_code    VARCHAR NOT NULL,
    period_start DATE    NOT NULL,
    PRIMARY KEY (load_id, indicator_id, area_code, period_start)
);
CREATE TABLE load_reasserted_populations (
    load_id   INTEGER NOT NULL,
    area_code VARCHAR NOT NULL,
    year      INTEGER NOT NULL,
    age_band  VARCHAR NOT NULL,
    PRIMARY KEY (load_id, area_code, year, age_band)
);

-- Every load already stored kept neither its repeated keys nor (before migration 4) its prior state.
CREATE TABLE loads_without_prior_state (load_id INTEGER PRIMARY KEY);
INSERT INTO loads_without_prior_state SELECT load_id FROM loads;
"""


def _v5_chain(con: duckdb.DuckDBPyConnection) -> None:
    _execute(con, _V5_CHAIN)
    audit.chain_existing(con)


# Migration 6: which indicators are the CQC set is reviewed data (data/indicators.csv), not code, so a
# seventh indicator is a row. Stores made before it mark the six the CQC progress report named.
# (Written as ADD COLUMN then SET NOT NULL, the same column as `ADD COLUMN ... NOT NULL DEFAULT false`,
# because DuckDB 1.5 cannot add a column with a constraint in one step.)
_V6_CQC_SET = """
ALTER TABLE indicators ADD COLUMN is_cqc_indicator BOOLEAN DEFAULT false;
ALTER TABLE indicators ALTER COLUMN is_cqc_indicator SET NOT NULL;
UPDATE indicators SET is_cqc_indicator = indicator_id IN ('ae_attendances_65', 'emergency_admissions_65',
    'care_home_admissions_65', 'length_of_stay_65', 'dtoc_18', 'readmissions_65');
"""

# Migration 7: one name for each kind of area (loaders/geography.py): Welsh W06 areas were stored as
# "Welsh local authority" by the population loader and "Welsh unitary authority" by the others.
_V7_ONE_GEOGRAPHY = """
UPDATE areas SET area_type = 'Welsh unitary authority' WHERE area_type = 'Welsh local authority';
"""

# Migration 8: comparator groups (a region, a council's similar councils, an analyst's own list), kept as
# reviewed data (data/comparator_groups.csv) or loaded by an analyst, each with its source. Codes start
# "group:" so they never collide with an ONS or ODS code (areas.area_code is at most 12 characters).
#
# Stable tables for analysts (columns only ever grow):
# - `comparator_groups`: `group_code, group_name, source, loaded_by, loaded_at`;
# - `comparator_group_members`: `group_code, area_code`.
_V8_COMPARATOR_GROUPS = """
CREATE TABLE comparator_groups (
    group_code VARCHAR PRIMARY KEY CHECK (regexp_full_match(group_code, 'group:[A-Za-z0-9_.-]{1,60}')),
    group_name VARCHAR NOT NULL CHECK (length(trim(group_name)) > 0),
    source     VARCHAR NOT NULL CHECK (length(trim(source)) > 0),
    loaded_by  VARCHAR NOT NULL,
    loaded_at  TIMESTAMP NOT NULL
);
CREATE TABLE comparator_group_members (
    group_code VARCHAR NOT NULL,
    area_code  VARCHAR NOT NULL,
    PRIMARY KEY (group_code, area_code)
);
"""

# Migration 11: commentary with an owner and a sign-off (store/commentary.py), and what the board is asked
# to do at each board date (store/board_asks.py). Both are versioned: every change (a draft, a submission,
# a sign-off) is a new row with the next version number, so nothing written is ever overwritten.
#
# Stable tables for analysts (columns only ever grow):
# - `commentary_versions`: `indicator_id, area_code, period_start, version, state, what_data_shows, why,
#   what_is_being_done, action_refs, improvement_expected, owner, changed_by, changed_at`;
# - `board_ask_versions`: `area_code, board_date, version, state, note, agree, escalate, changed_by, changed_at`.
_V11_COMMENTARY = """
CREATE TABLE commentary_versions (
    indicator_id         VARCHAR NOT NULL,
    area_code            VARCHAR NOT NULL,
    period_start         DATE    NOT NULL,
    version              INTEGER NOT NULL CHECK (version >= 1),
    state                VARCHAR NOT NULL CHECK (state IN ('draft', 'submitted', 'signed off')),
    what_data_shows      VARCHAR NOT NULL,
    why                  VARCHAR NOT NULL,
    what_is_being_done   VARCHAR NOT NULL,
    action_refs          VARCHAR NOT NULL,
    improvement_expected VARCHAR NOT NULL,
    owner                VARCHAR NOT NULL,
    changed_by           VARCHAR NOT NULL,
    changed_at           TIMESTAMP NOT NULL,
    PRIMARY KEY (indicator_id, area_code, period_start, version)
);
CREATE TABLE board_ask_versions (
    area_code  VARCHAR NOT NULL,
    board_date DATE    NOT NULL,
    version    INTEGER NOT NULL CHECK (version >= 1),
    state      VARCHAR NOT NULL CHECK (state IN ('draft', 'submitted', 'signed off')),
    note       VARCHAR NOT NULL,
    agree      VARCHAR NOT NULL,
    escalate   VARCHAR NOT NULL,
    changed_by VARCHAR NOT NULL,
    changed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (area_code, board_date, version)
);
"""


# Migration 9: targets and trajectories (docs/targets.md), reviewed data stored by a load like any other
# file, so they are versioned, audited, archived, replayed by a rebuild and undone as loads are.
#
# Stable views for analysts (columns only ever grow):
# - `targets`: `indicator_id, area_code, effective_from, effective_to, value, direction ('at_or_below' or
#   'at_or_above'), source, source_url, set_by, set_at, load_id`: every current target; the one in force
#   for a period is the one whose effective dates hold the period's start (the latest effective_from).
# - `trajectories`: `indicator_id, area_code, period_start, value, source, source_url, set_by, set_at,
#   load_id`: the planned value for a period.
# Tables: `target_rows` and `trajectory_rows` (every version, as observation_rows), and
# `load_reasserted_targets` / `load_reasserted_trajectories` (the keys a load repeated unchanged, for undo).
_V9_TARGETS = """
CREATE TABLE target_rows (
    indicator_id   VARCHAR NOT NULL,
    area_code      VARCHAR NOT NULL,
    effective_from DATE    NOT NULL,
    effective_to   DATE,
    value          DOUBLE  NOT NULL,
    direction      VARCHAR NOT NULL CHECK (direction IN ('at_or_below', 'at_or_above')),
    source         VARCHAR NOT NULL CHECK (length(trim(source)) > 0),
    source_url     VARCHAR,
    set_by         VARCHAR NOT NULL,
    load_id        INTEGER NOT NULL,
    superseded_by  INTEGER,
    CHECK (effective_to IS NULL OR effective_to >= effective_from)
);
CREATE TABLE trajectory_rows (
    indicator_id  VARCHAR NOT NULL,
    area_code     VARCHAR NOT NULL,
    period_start  DATE    NOT NULL,
    value         DOUBLE  NOT NULL,
    source        VARCHAR NOT NULL CHECK (length(trim(source)) > 0),
    source_url    VARCHAR,
    set_by        VARCHAR NOT NULL,
    load_id       INTEGER NOT NULL,
    superseded_by INTEGER
);
CREATE TABLE load_reasserted_targets (
    load_id        INTEGER NOT NULL,
    indicator_id   VARCHAR NOT NULL,
    area_code      VARCHAR NOT NULL,
    effective_from DATE    NOT NULL,
    PRIMARY KEY (load_id, indicator_id, area_code, effective_from)
);
CREATE TABLE load_reasserted_trajectories (
    load_id      INTEGER NOT NULL,
    indicator_id VARCHAR NOT NULL,
    area_code    VARCHAR NOT NULL,
    period_start DATE    NOT NULL,
    PRIMARY KEY (load_id, indicator_id, area_code, period_start)
);
CREATE VIEW targets AS
SELECT t.indicator_id, t.area_code, t.effective_from, t.effective_to, t.value, t.direction, t.source,
       t.source_url, t.set_by, l.loaded_at AS set_at, t.load_id
FROM target_rows AS t JOIN loads AS l USING (load_id)
WHERE t.superseded_by IS NULL;
CREATE VIEW trajectories AS
SELECT t.indicator_id, t.area_code, t.period_start, t.value, t.source, t.source_url, t.set_by,
       l.loaded_at AS set_at, t.load_id
FROM trajectory_rows AS t JOIN loads AS l USING (load_id)
WHERE t.superseded_by IS NULL;
"""


# Migration 10: York today (issue 24). NHS England's trust measures after 2020.
#
# Stable tables for analysts (columns only ever grow):
# - `indicator_denominators`: `indicator_id, denominator_id`: an indicator whose stored rows carry a
#   numerator only takes, for each area and period, the numerator of another indicator's row as its
#   denominator (patients not meeting the criteria to reside over occupied general and acute beds:
#   two files, two loads, one share). The `observations` view below computes the value, as it does
#   a rate over a population.
# - `trust_catchments`: `trust_code, area_code, share`: OHID's share of each trust's patients who come
#   from each local authority (2021 boundaries), reference data from data/public/.
_V10_TRUST_MEASURES = """
CREATE TABLE indicator_denominators (
    indicator_id   VARCHAR NOT NULL,
    denominator_id VARCHAR NOT NULL,
    PRIMARY KEY (indicator_id)
);
INSERT INTO indicator_denominators VALUES ('criteria_to_reside_trust', 'ga_bed_occupancy_trust');

CREATE TABLE trust_catchments (
    trust_code VARCHAR NOT NULL,
    area_code  VARCHAR NOT NULL,
    share      DOUBLE  NOT NULL CHECK (share >= 0 AND share <= 1),
    PRIMARY KEY (trust_code, area_code)
);

CREATE VIEW current_denominators AS
SELECT n.indicator_id, r.area_code, r.period_start, r.numerator AS denominator
FROM indicator_denominators AS n
JOIN observation_rows AS r ON r.indicator_id = n.denominator_id
WHERE r.superseded_by IS NULL;

CREATE OR REPLACE VIEW observations AS
SELECT
    o.indicator_id,
    i.name AS indicator_name,
    o.area_code,
    a.area_name,
    a.area_type,
    o.period_start,
    o.period_end,
    o.numerator,
    CASE WHEN i.population_age_band IS NOT NULL AND o.denominator IS NULL AND o.value IS NULL
         THEN p.population::DOUBLE
         WHEN o.denominator IS NULL AND o.value IS NULL THEN d.denominator
         ELSE o.denominator END AS denominator,
    CASE WHEN i.population_age_band IS NOT NULL AND o.denominator IS NULL AND o.value IS NULL
         THEN o.numerator / nullif(p.population, 0) * i.multiplier
         WHEN o.denominator IS NULL AND o.value IS NULL AND d.denominator IS NOT NULL
         THEN o.numerator / nullif(d.denominator, 0) * i.multiplier
         ELSE o.value END AS value,
    o.value_note,
    i.unit,
    i.multiplier,
    i.source,
    i.is_proxy,
    l.is_demonstration,
    CASE WHEN i.population_age_band IS NOT NULL AND o.denominator IS NULL AND o.value IS NULL
         THEN p.approximation END AS population_note,
    o.load_id,
    l.loaded_at
FROM observation_rows o
JOIN indicators i USING (indicator_id)
JOIN loads l USING (load_id)
LEFT JOIN areas a USING (area_code)
LEFT JOIN current_populations p
       ON p.area_code = o.area_code
      AND p.year = year(o.period_start)
      AND p.age_band = i.population_age_band
LEFT JOIN current_denominators d
       ON d.indicator_id = o.indicator_id
      AND d.area_code = o.area_code
      AND d.period_start = o.period_start
WHERE o.superseded_by IS NULL;
"""


# Migration 12: comparator groups are loads (issue 21). A groups file is stored by a load like any other file, so
# it is versioned, audited, archived, replayed by a rebuild and undone as loads are, and undo can say which group
# values it blanks or changes. One row per group version: a group is replaced whole (its members are a list),
# so a member a new file leaves out is gone from the current version, and undo brings the earlier list back.
# Groups stored before this migration keep their rows under load 0 (no load): nothing can undo them.
#
# Stable views for analysts (the tables of migration 8, same columns, plus `load_id`):
# - `comparator_groups`: `group_code, group_name, source, loaded_by, loaded_at, load_id`;
# - `comparator_group_members`: `group_code, area_code`.
# Tables: `comparator_group_rows` (every version, as observation_rows) and `load_reasserted_groups` (the
# groups a load repeated unchanged, for undo).
_V12_GROUPS_ARE_LOADS = """
CREATE TABLE comparator_group_rows (
    group_code    VARCHAR   NOT NULL CHECK (regexp_full_match(group_code, 'group:[A-Za-z0-9_.-]{1,60}')),
    group_name    VARCHAR   NOT NULL CHECK (length(trim(group_name)) > 0),
    source        VARCHAR   NOT NULL CHECK (length(trim(source)) > 0),
    members       VARCHAR[] NOT NULL,
    loaded_by     VARCHAR   NOT NULL,
    loaded_at     TIMESTAMP NOT NULL,
    load_id       INTEGER   NOT NULL,
    superseded_by INTEGER
);
CREATE TABLE load_reasserted_groups (
    load_id    INTEGER NOT NULL,
    group_code VARCHAR NOT NULL,
    PRIMARY KEY (load_id, group_code)
);
INSERT INTO comparator_group_rows
SELECT g.group_code, g.group_name, g.source,
       coalesce(list(m.area_code ORDER BY m.area_code) FILTER (m.area_code IS NOT NULL), []::VARCHAR[]),
       g.loaded_by, g.loaded_at, 0, NULL
FROM comparator_groups AS g LEFT JOIN comparator_group_members AS m USING (group_code)
GROUP BY g.group_code, g.group_name, g.source, g.loaded_by, g.loaded_at;
DROP TABLE comparator_group_members;
DROP TABLE comparator_groups;
CREATE VIEW comparator_groups AS
SELECT group_code, group_name, source, loaded_by, loaded_at, load_id
FROM comparator_group_rows WHERE superseded_by IS NULL;
CREATE VIEW comparator_group_members AS
SELECT group_code, unnest(members) AS area_code
FROM comparator_group_rows WHERE superseded_by IS NULL;
"""

# Append new migrations here; never edit one that has shipped. A step is SQL, or a function of the
# connection where rows must be computed (it runs in the step's transaction all the same).
MIGRATIONS: list[tuple[int, str | Callable[[duckdb.DuckDBPyConnection], None]]] = [
    (1, _V1),
    (2, _V2_EVENTS),
    (3, _V3_PLAN),
    (4, _V4_UNDO),
    (5, _v5_chain),
    (6, _V6_CQC_SET),
    (7, _V7_ONE_GEOGRAPHY),
    (8, _V8_COMPARATOR_GROUPS),
    (9, _V9_TARGETS),
    (10, _V10_TRUST_MEASURES),
    (11, _V11_COMMENTARY),
    (12, _V12_GROUPS_ARE_LOADS),
]
LATEST_VERSION = MIGRATIONS[-1][0]


def for_ducklake(sql: str) -> str:
    """A migration's DDL as DuckLake takes it: the same tables, columns and views, without what DuckLake
    cannot hold (sequences, PRIMARY KEY, UNIQUE, CHECK, a constraint added to an existing column).

    On the shared store the door keeps what those constraints guarded: it allocates ids under the
    store-wide lock (store/door.py `next_id`), the writers replace rows by key explicitly, and every
    loader validates a file before anything is written.
    """
    sql = re.sub(r"CREATE SEQUENCE [^;]*;\n?", "", sql)
    sql = re.sub(r"\s+DEFAULT nextval\('[a-z_]+'\)", "", sql)
    sql = re.sub(r"ALTER TABLE \w+ ALTER COLUMN \w+ SET NOT NULL;\n?", "", sql)
    sql = re.sub(r"(ADD COLUMN \w+ \w+) DEFAULT \w+", r"\1", sql)
    sql = re.sub(r"\s+PRIMARY KEY(?!\s*\()", "", sql)
    sql = _without_clauses(sql, ("PRIMARY KEY", "UNIQUE", "CHECK"))
    # A table-level constraint removed leaves a comma before the closing parenthesis.
    return re.sub(r",(\s*\n\s*)\)", r"\1)", re.sub(r",\s*\n\s*,", ",", sql))


def _without_clauses(sql: str, keywords: tuple[str, ...]) -> str:
    """`sql` with every `KEYWORD (...)` (balanced parentheses) taken out, and a line left empty by it."""
    pattern = re.compile(r"[ \t]*,?[ \t]*\b(" + "|".join(keywords) + r")\s*\(")
    out, position = [], 0
    while (match := pattern.search(sql, position)) is not None:
        depth, end = 1, match.end()
        while depth:
            depth += {"(": 1, ")": -1}.get(sql[end], 0)
            end += 1
        out.append(sql[position:match.start()])
        position = end
    out.append(sql[position:])
    return "\n".join(line for line in "".join(out).split("\n") if line.strip() not in {","})


def _execute(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    con.execute(for_ducklake(sql) if is_lake(con) else sql)


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    """The schema version of the open database (0 for a new, empty file)."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version' "
        "AND table_catalog = current_database()"
    ).fetchone()[0]
    if not exists:
        return 0
    return con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Bring the database forward to the latest schema, one transaction per step; returns the version."""
    version = current_version(con)
    if version > LATEST_VERSION:
        raise RuntimeError(
            f"this database is at schema version {version}, newer than this code ({LATEST_VERSION}); "
            "update the dashboard before opening it"
        )
    if version == 0:
        _execute(con, "CREATE TABLE IF NOT EXISTS schema_version "
                      "(version INTEGER NOT NULL, applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)")
    for number, sql in MIGRATIONS:
        if number <= version:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            if callable(sql):
                sql(con)
            else:
                _execute(con, sql)
            con.execute("INSERT INTO schema_version (version, applied_at) VALUES (?, current_timestamp)", [number])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        version = number
    return version
