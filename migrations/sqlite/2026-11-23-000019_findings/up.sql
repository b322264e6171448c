-- The forms of discipline the committee may decide (Law on Cadres and Civil Servants, art. 79;
-- Decree 112/2020), lightest first. The list is a setting: a province or national
-- administrator adds, renames, reorders and retires measures. A retired measure is no longer
-- offered, and stays on the findings that chose it, so it is never deleted.
CREATE TABLE discipline_measures (
    id TEXT PRIMARY KEY NOT NULL,
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL,
    position INTEGER NOT NULL,
    active BOOLEAN NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
WITH seed (id, name_vi, name_en, position) AS (VALUES
    ('khien-trach', 'Khiển trách', 'Reprimand', 1),
    ('canh-cao', 'Cảnh cáo', 'Warning', 2),
    ('ha-bac-luong', 'Hạ bậc lương', 'Salary grade reduction', 3),
    ('giang-chuc', 'Giáng chức', 'Demotion', 4),
    ('cach-chuc', 'Cách chức', 'Dismissal from post', 5),
    ('buoc-thoi-viec', 'Buộc thôi việc', 'Forced resignation', 6)
)
INSERT INTO discipline_measures (id, name_vi, name_en, position, active, created_at, updated_at)
SELECT id, name_vi, name_en, position, 1, CAST(strftime('%s', 'now') AS INTEGER) * 1000, CAST(strftime('%s', 'now') AS INTEGER) * 1000 FROM seed;

-- The committee's findings on a report (services::findings): per report and officer (or about
-- no officer in particular), the conclusion, the discipline decided, a referral and the
-- reasoning. A finding is never changed: a revision is a new row naming the one it replaces
-- (`revises`), so the history of each report and officer is a chain whose last link is the
-- current finding.
CREATE TABLE findings (
    id TEXT PRIMARY KEY NOT NULL,
    report_id TEXT NOT NULL REFERENCES reports(id),
    staff_id TEXT REFERENCES staff(id),
    conclusion TEXT NOT NULL CHECK (conclusion IN ('founded', 'partly_founded', 'unfounded')),
    discipline_id TEXT REFERENCES discipline_measures(id),
    referral_to TEXT,
    referral_text TEXT,
    note TEXT NOT NULL,
    recorded_by TEXT NOT NULL REFERENCES accounts(id),
    recorded_at BIGINT NOT NULL,
    revises TEXT REFERENCES findings(id),
    CHECK (discipline_id IS NULL OR conclusion <> 'unfounded'),
    CHECK ((referral_to IS NULL) = (referral_text IS NULL))
);
-- A finding is revised once: the history never forks, even when two members save at once.
CREATE UNIQUE INDEX findings_revises ON findings (revises) WHERE revises IS NOT NULL;
-- One first finding per report and officer: any other is a revision of it.
CREATE UNIQUE INDEX findings_first ON findings (report_id, COALESCE(staff_id, ''))
    WHERE revises IS NULL;
CREATE INDEX findings_report ON findings (report_id, recorded_at);
CREATE INDEX findings_staff ON findings (staff_id, recorded_at);

-- History is kept: the database refuses to change or remove a finding, whatever the caller.
CREATE TRIGGER findings_no_update BEFORE UPDATE ON findings
BEGIN
    SELECT RAISE(ABORT, 'Kết luận đã ghi không được sửa; hãy ghi kết luận sửa đổi / findings are never changed: record a revision');
END;

CREATE TRIGGER findings_no_delete BEFORE DELETE ON findings
BEGIN
    SELECT RAISE(ABORT, 'Kết luận đã ghi không được xóa / findings are never deleted');
END;
