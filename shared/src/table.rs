//! The tables of the figures, typed: what a dashboard or a scorecard shows, one [`Table`] per
//! block, with each column's kind and each cell's value. The pages render their HTML tables from
//! these (with [`Cell::display`]) and the server writes the same tables into .xlsx and CSV files,
//! so a figure on screen and in the file can never disagree.
//!
//! A value that may not be stated is a [`Cell::Missing`] with the words a page shows in its
//! place ("Chưa đủ đánh giá"): a rate under the minimum number of ratings is an empty cell in a
//! file, never a 0% (nor a 100%) that a spreadsheet would average or chart as if it were real.

use crate::calendar::{Date, Stage};
use crate::citizen::SipasCriterion;
use crate::error::Msg;
use crate::figures::{
    not_enough, CaseCounts, Dashboard, DeadlineCounts, Rate, RatingCounts, Scorecard,
    SubjectFigures, TrendPoint,
};
use crate::Lang;
use serde::{Deserialize, Serialize};

/// What a column holds; the files use it for the cell format and the pages for alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnKind {
    Text,
    /// A count.
    Integer,
    /// A fraction shown as a percentage (0.875 is 87,5%).
    Percent,
    /// A number with one decimal (average days).
    Decimal,
    /// A Vietnam date, dd/mm/yyyy.
    Date,
    /// A moment, shown in Vietnam time: dd/mm/yyyy HH:MM.
    DateTime,
}

impl ColumnKind {
    /// Numbers are right-aligned on a page, so their digits line up.
    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            ColumnKind::Integer | ColumnKind::Percent | ColumnKind::Decimal
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub header: Msg,
    pub kind: ColumnKind,
}

impl Column {
    pub fn new(kind: ColumnKind, vi: &str, en: &str) -> Column {
        Column {
            header: Msg::new(vi, en),
            kind,
        }
    }
}

/// One value of a table, of its column's kind, or missing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "t", content = "v")]
pub enum Cell {
    Text(String),
    Integer(i64),
    /// A fraction: 0.875 is 87,5%.
    Percent(f64),
    Decimal(f64),
    Date(Date),
    /// A moment, Unix milliseconds.
    DateTime(i64),
    /// Nothing may be stated here: a rate on fewer ratings than the minimum, an average of
    /// nothing. An empty cell in a file; these words on a page.
    Missing(Msg),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// A rate's value, or the words for "not enough data" (`unit_vi`/`unit_en` name what was
    /// counted: "đánh giá", "hồ sơ").
    pub fn rate(rate: &Rate, unit_vi: &str, unit_en: &str) -> Cell {
        match rate.pct() {
            Some(p) => Cell::Percent(p / 100.0),
            None => Cell::Missing(Msg::new(
                not_enough(Lang::Vi, unit_vi, unit_en),
                not_enough(Lang::En, unit_vi, unit_en),
            )),
        }
    }

    /// The lower and upper ends of a rate's 95% interval, blank when the rate is not shown.
    pub fn interval(rate: &Rate) -> [Cell; 2] {
        match rate.interval_pct() {
            Some((lo, hi)) => [Cell::Percent(lo / 100.0), Cell::Percent(hi / 100.0)],
            None => [Cell::dash(), Cell::dash()],
        }
    }

    /// A number, or a dash when there is none (an average over no cases).
    pub fn decimal(value: Option<f64>) -> Cell {
        value.map(Cell::Decimal).unwrap_or_else(Cell::dash)
    }

    /// A date from its ISO form (how the figures carry dates); the text itself if it is not one.
    pub fn iso_date(iso: &str) -> Cell {
        Date::parse(iso)
            .map(Cell::Date)
            .unwrap_or_else(|| Cell::text(iso))
    }

    fn dash() -> Cell {
        Cell::Missing(Msg::new("—", "—"))
    }

    /// The cell as a page shows it: "87,5%", "1.234", "2,3", "dd/mm/yyyy", or the words of a
    /// missing value ("Chưa đủ đánh giá").
    pub fn display(&self, lang: Lang) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Integer(n) => group_thousands(*n, lang),
            Cell::Percent(f) => format!("{}%", one_decimal(100.0 * f, lang)),
            Cell::Decimal(x) => one_decimal(*x, lang),
            Cell::Date(d) => d.format_vn(),
            Cell::DateTime(ms) => vietnam_time(*ms),
            Cell::Missing(why) => why.get(lang).to_string(),
        }
    }

    pub fn is_missing(&self) -> bool {
        matches!(self, Cell::Missing(_))
    }
}

/// The Vietnam (UTC+7) date and time of a Unix timestamp in milliseconds: dd/mm/yyyy HH:MM.
pub fn vietnam_time(ms: i64) -> String {
    let minutes = (ms + 7 * 3_600_000).div_euclid(60_000).rem_euclid(24 * 60);
    format!(
        "{} {:02}:{:02}",
        Date::from_unix_ms_vietnam(ms).format_vn(),
        minutes / 60,
        minutes % 60
    )
}

/// One decimal, with the language's decimal mark: 87,5 (vi) or 87.5 (en).
fn one_decimal(x: f64, lang: Lang) -> String {
    let s = format!("{x:.1}");
    match lang {
        Lang::Vi => s.replace('.', ","),
        Lang::En => s,
    }
}

/// 1234567 → "1.234.567" (Vietnamese groups thousands with a dot) or "1,234,567".
fn group_thousands(n: i64, lang: Lang) -> String {
    let separator = lang.pick(".", ",");
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(separator);
        }
        out.push(c);
    }
    out
}

/// A table of the figures: a stable `key` (what `?table=` names in the export), a title, typed
/// columns and rows of as many cells as there are columns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    pub key: String,
    pub title: Msg,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    fn new(key: &str, vi: &str, en: &str, columns: Vec<Column>) -> Table {
        Table {
            key: key.to_string(),
            title: Msg::new(vi, en),
            columns,
            rows: Vec::new(),
        }
    }

    fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(row.len(), self.columns.len(), "table {}", self.key);
        self.rows.push(row);
    }

    /// The column headers in one language.
    pub fn headers(&self, lang: Lang) -> Vec<&str> {
        self.columns.iter().map(|c| c.header.get(lang)).collect()
    }
}

/// The keys of the dashboard's tables, in the order [`dashboard_tables`] returns them.
pub const DASHBOARD_TABLES: &[&str] = &[
    "summary",
    "units",
    "counters",
    "officers",
    "sipas",
    "kinds",
    "categories",
    "statuses",
    "deadlines",
    "months",
    "weeks",
];

/// The keys of the scorecard's tables, in the order [`scorecard_tables`] returns them.
pub const SCORECARD_TABLES: &[&str] = &["scorecard", "sipas", "reports"];

use ColumnKind::{Date as D, Decimal as Dec, Integer as Int, Percent as Pct, Text as Txt};

const RATINGS_VI: &str = "đánh giá";
const RATINGS_EN: &str = "ratings";
const CASES_VI: &str = "hồ sơ";
const CASES_EN: &str = "cases";

/// The satisfaction columns every table of ratings has: the three answers, the rate and its
/// interval.
fn satisfaction_columns() -> Vec<Column> {
    vec![
        Column::new(Int, "Số đánh giá", "Ratings"),
        Column::new(Int, "Rất hài lòng", "Very satisfied"),
        Column::new(Int, "Hài lòng", "Satisfied"),
        Column::new(Int, "Không hài lòng", "Not satisfied"),
        Column::new(Pct, "Tỷ lệ hài lòng", "Satisfaction rate"),
        Column::new(Pct, "Cận dưới (95%)", "95% interval, low"),
        Column::new(Pct, "Cận trên (95%)", "95% interval, high"),
    ]
}

fn satisfaction_cells(r: &RatingCounts, min_n: i64) -> Vec<Cell> {
    let rate = r.satisfaction(min_n);
    let [lo, hi] = Cell::interval(&rate);
    vec![
        Cell::Integer(r.total()),
        Cell::Integer(r.very_satisfied),
        Cell::Integer(r.satisfied),
        Cell::Integer(r.not_satisfied),
        Cell::rate(&rate, RATINGS_VI, RATINGS_EN),
        lo,
        hi,
    ]
}

/// A table of the five SIPAS criteria: how many scored each, how many gave 4 or 5, the rate.
fn sipas_table(r: &RatingCounts, min_n: i64, lang: Lang) -> Table {
    let mut t = Table::new(
        "sipas",
        "Tiêu chí SIPAS",
        "SIPAS criteria",
        vec![
            Column::new(Txt, "Tiêu chí", "Criterion"),
            Column::new(Int, "Số lượt chấm", "Scored"),
            Column::new(Int, "Tốt, rất tốt (4–5)", "Good or very good (4–5)"),
            Column::new(Pct, "Tỷ lệ tốt", "Good rate"),
            Column::new(Pct, "Cận dưới (95%)", "95% interval, low"),
            Column::new(Pct, "Cận trên (95%)", "95% interval, high"),
        ],
    );
    for c in SipasCriterion::ALL {
        let rate = r.criterion(c, min_n);
        let [lo, hi] = Cell::interval(&rate);
        t.push(vec![
            Cell::text(c.label(lang)),
            Cell::Integer(rate.n),
            Cell::Integer(rate.successes),
            Cell::rate(&rate, RATINGS_VI, RATINGS_EN),
            lo,
            hi,
        ]);
    }
    t
}

/// The share of `n` in `total`, or a dash when there is nothing to share.
fn share(n: i64, total: i64) -> Cell {
    if total > 0 {
        Cell::Percent(n as f64 / total as f64)
    } else {
        Cell::dash()
    }
}

fn on_time_rate(on_time: i64, late: i64, min_n: i64) -> Rate {
    Rate::new(on_time, on_time + late, min_n)
}

fn summary_table(d: &Dashboard) -> Table {
    let mut columns = vec![
        Column::new(Txt, "Đơn vị", "Unit"),
        Column::new(D, "Từ ngày", "From"),
        Column::new(D, "Đến ngày", "To"),
    ];
    columns.extend(satisfaction_columns());
    columns.extend([
        Column::new(Int, "Phản ánh nhận được", "Reports received"),
        Column::new(Int, "Đã thụ lý", "Accepted"),
        Column::new(Int, "Đã trả lời", "Answered"),
        Column::new(Int, "Đã giải quyết", "Resolved"),
        Column::new(Pct, "Tỷ lệ đúng hạn", "On-time rate"),
        Column::new(Dec, "Số ngày TB đến thụ lý", "Average days to accept"),
        Column::new(Dec, "Số ngày TB đến trả lời", "Average days to answer"),
    ]);
    let mut t = Table::new("summary", "Tổng hợp", "Summary", columns);
    let c = &d.cases;
    let mut row = vec![
        Cell::text(&d.unit_name),
        Cell::iso_date(&d.from),
        Cell::iso_date(&d.to),
    ];
    row.extend(satisfaction_cells(&d.ratings, d.min_ratings));
    row.extend([
        Cell::Integer(c.received),
        Cell::Integer(c.accepted),
        Cell::Integer(c.answered),
        Cell::Integer(c.resolved),
        Cell::rate(&c.on_time(d.min_ratings), CASES_VI, CASES_EN),
        Cell::decimal(c.accept_days()),
        Cell::decimal(c.answer_days()),
    ]);
    t.push(row);
    t
}

fn units_table(d: &Dashboard) -> Table {
    let mut t = Table::new(
        "units",
        "Xếp hạng đơn vị trực thuộc",
        "Units ranked",
        vec![
            Column::new(Txt, "Đơn vị", "Unit"),
            Column::new(Int, "Số đánh giá", "Ratings"),
            Column::new(Pct, "Tỷ lệ hài lòng", "Satisfaction rate"),
            Column::new(Pct, "Cận dưới (95%)", "95% interval, low"),
            Column::new(Pct, "Cận trên (95%)", "95% interval, high"),
            Column::new(Pct, "Tỷ lệ đúng hạn", "On-time rate"),
            Column::new(Int, "Phản ánh nhận được", "Reports received"),
            Column::new(Int, "Đã giải quyết", "Resolved"),
            Column::new(Dec, "Số ngày TB đến thụ lý", "Average days to accept"),
            Column::new(Dec, "Số ngày TB đến trả lời", "Average days to answer"),
        ],
    );
    for u in &d.units {
        let rate = u.ratings.satisfaction(d.min_ratings);
        let [lo, hi] = Cell::interval(&rate);
        t.push(vec![
            Cell::text(&u.name),
            Cell::Integer(u.ratings.total()),
            Cell::rate(&rate, RATINGS_VI, RATINGS_EN),
            lo,
            hi,
            Cell::rate(&u.cases.on_time(d.min_ratings), CASES_VI, CASES_EN),
            Cell::Integer(u.cases.received),
            Cell::Integer(u.cases.resolved),
            Cell::decimal(u.cases.accept_days()),
            Cell::decimal(u.cases.answer_days()),
        ]);
    }
    t
}

/// Counters (`badge: false`) or officers with their badge numbers.
fn subjects_table(
    key: &str,
    title: (&str, &str),
    name: (&str, &str),
    subjects: &[SubjectFigures],
    badge: bool,
    min_n: i64,
) -> Table {
    let mut columns = vec![Column::new(Txt, name.0, name.1)];
    if badge {
        columns.push(Column::new(Txt, "Số hiệu công chức", "Badge number"));
    }
    columns.extend(satisfaction_columns());
    let mut t = Table::new(key, title.0, title.1, columns);
    for s in subjects {
        let mut row = vec![Cell::text(&s.name)];
        if badge {
            row.push(Cell::text(&s.detail));
        }
        row.extend(satisfaction_cells(&s.ratings, min_n));
        t.push(row);
    }
    t
}

/// Counts of a breakdown of the reports received, with each one's share.
fn breakdown_table<K: Copy>(
    key: &str,
    title: (&str, &str),
    what: (&str, &str),
    rows: &[(K, i64)],
    label: impl Fn(K) -> &'static str,
    total: i64,
) -> Table {
    let mut t = Table::new(
        key,
        title.0,
        title.1,
        vec![
            Column::new(Txt, what.0, what.1),
            Column::new(Int, "Số lượng", "Count"),
            Column::new(Pct, "Tỷ trọng", "Share"),
        ],
    );
    for (k, n) in rows {
        t.push(vec![
            Cell::text(label(*k)),
            Cell::Integer(*n),
            share(*n, total),
        ]);
    }
    t
}

fn deadlines_table(c: &CaseCounts, min_n: i64, lang: Lang) -> Table {
    let mut t = Table::new(
        "deadlines",
        "Thời hạn theo giai đoạn",
        "Deadlines by stage",
        vec![
            Column::new(Txt, "Giai đoạn", "Stage"),
            Column::new(Int, "Đúng hạn", "On time"),
            Column::new(Int, "Trễ hạn", "Late"),
            Column::new(Int, "Quá hạn, chưa xử lý xong", "Overdue, still open"),
            Column::new(Pct, "Tỷ lệ đúng hạn", "On-time rate"),
        ],
    );
    let mut stages: Vec<&DeadlineCounts> = c.deadlines.iter().collect();
    stages.sort_by_key(|d| Stage::ALL.iter().position(|s| *s == d.stage));
    for d in stages {
        t.push(vec![
            Cell::text(d.stage.label(lang)),
            Cell::Integer(d.on_time),
            Cell::Integer(d.late),
            Cell::Integer(d.overdue_open),
            Cell::rate(&d.rate(min_n), CASES_VI, CASES_EN),
        ]);
    }
    t
}

fn trend_table(
    key: &str,
    title: (&str, &str),
    points: &[TrendPoint],
    min_n: i64,
    lang: Lang,
) -> Table {
    let period = if key == "months" {
        ("Tháng", "Month")
    } else {
        ("Tuần (từ thứ Hai)", "Week (from Monday)")
    };
    let mut t = Table::new(
        key,
        title.0,
        title.1,
        vec![
            Column::new(Txt, period.0, period.1),
            Column::new(D, "Từ ngày", "From"),
            Column::new(D, "Đến ngày", "To"),
            Column::new(Int, "Số đánh giá", "Ratings"),
            Column::new(Pct, "Tỷ lệ hài lòng", "Satisfaction rate"),
            Column::new(Int, "Phản ánh nhận được", "Reports received"),
            Column::new(Int, "Đúng hạn", "On time"),
            Column::new(Int, "Trễ hạn", "Late"),
            Column::new(Pct, "Tỷ lệ đúng hạn", "On-time rate"),
        ],
    );
    for p in points {
        t.push(vec![
            Cell::text(p.label(lang)),
            Cell::iso_date(&p.from),
            Cell::iso_date(&p.to),
            Cell::Integer(p.ratings.total()),
            Cell::rate(&p.ratings.satisfaction(min_n), RATINGS_VI, RATINGS_EN),
            Cell::Integer(p.received),
            Cell::Integer(p.on_time),
            Cell::Integer(p.late),
            Cell::rate(&on_time_rate(p.on_time, p.late, min_n), CASES_VI, CASES_EN),
        ]);
    }
    t
}

/// Every table the dashboard shows, in the order of [`DASHBOARD_TABLES`]: the summary, the
/// units ranked (in the dashboard's order), counters, officers, the SIPAS criteria, reports
/// received by kind and by category, where cases stand now, deadlines by stage, and the monthly
/// and weekly trends. `lang` is for the labels inside cells (kinds, stages, criteria, months);
/// headers and titles carry both languages.
pub fn dashboard_tables(d: &Dashboard, lang: Lang) -> Vec<Table> {
    let min_n = d.min_ratings;
    let c = &d.cases;
    let statuses_total = c.by_status_now.iter().map(|(_, n)| n).sum();
    vec![
        summary_table(d),
        units_table(d),
        subjects_table(
            "counters",
            ("Quầy", "Counters"),
            ("Quầy", "Counter"),
            &d.counters,
            false,
            min_n,
        ),
        subjects_table(
            "officers",
            ("Cán bộ", "Officers"),
            ("Cán bộ", "Officer"),
            &d.officers,
            true,
            min_n,
        ),
        sipas_table(&d.ratings, min_n, lang),
        breakdown_table(
            "kinds",
            ("Phản ánh theo loại", "Reports by kind"),
            ("Loại", "Kind"),
            &c.by_kind,
            |k| k.label(lang),
            c.received,
        ),
        breakdown_table(
            "categories",
            ("Phản ánh theo nội dung", "Reports by category"),
            ("Nội dung", "Category"),
            &c.by_category,
            |k| k.label(lang),
            c.received,
        ),
        breakdown_table(
            "statuses",
            ("Tình trạng hiện nay", "Where cases stand now"),
            ("Tình trạng", "Status"),
            &c.by_status_now,
            |k| k.label(lang),
            statuses_total,
        ),
        deadlines_table(c, min_n, lang),
        trend_table(
            "months",
            ("Theo tháng (12 tháng)", "By month (12 months)"),
            &d.months,
            min_n,
            lang,
        ),
        trend_table(
            "weeks",
            ("Theo tuần (13 tuần)", "By week (13 weeks)"),
            &d.weeks,
            min_n,
            lang,
        ),
    ]
}

/// The officer's monthly scorecard as tables, in the order of [`SCORECARD_TABLES`]: the
/// officer's ratings and assigned deadlines, the SIPAS criteria, reports about the officer by
/// category with the committee's findings.
pub fn scorecard_tables(s: &Scorecard, lang: Lang) -> Vec<Table> {
    let min_n = s.min_ratings;
    let mut columns = vec![
        Column::new(Txt, "Cán bộ", "Officer"),
        Column::new(Txt, "Chức danh", "Title"),
        Column::new(Txt, "Số hiệu công chức", "Badge number"),
        Column::new(Txt, "Đơn vị", "Unit"),
        Column::new(D, "Từ ngày", "From"),
        Column::new(D, "Đến ngày", "To"),
    ];
    columns.extend(satisfaction_columns());
    columns.extend([
        Column::new(Int, "Hồ sơ được giao đúng hạn", "Assigned cases on time"),
        Column::new(Int, "Hồ sơ được giao trễ hạn", "Assigned cases late"),
        Column::new(Pct, "Tỷ lệ đúng hạn", "On-time rate"),
    ]);
    let mut card = Table::new(
        "scorecard",
        "Phiếu đánh giá cán bộ",
        "Officer scorecard",
        columns,
    );
    let mut row = vec![
        Cell::text(&s.full_name),
        Cell::text(&s.title),
        Cell::text(&s.badge_number),
        Cell::text(&s.unit_name),
        Cell::iso_date(&s.from),
        Cell::iso_date(&s.to),
    ];
    row.extend(satisfaction_cells(&s.ratings, min_n));
    row.extend([
        Cell::Integer(s.assigned_on_time),
        Cell::Integer(s.assigned_late),
        Cell::rate(
            &on_time_rate(s.assigned_on_time, s.assigned_late, min_n),
            CASES_VI,
            CASES_EN,
        ),
    ]);
    card.push(row);
    let mut reports = Table::new(
        "reports",
        "Phản ánh về cán bộ",
        "Reports about the officer",
        vec![
            Column::new(Txt, "Nội dung", "Category"),
            Column::new(Int, "Tổng số", "Total"),
            Column::new(Int, "Kết luận đúng", "Founded"),
            Column::new(Int, "Kết luận đúng một phần", "Partly founded"),
            Column::new(Int, "Kết luận sai", "Unfounded"),
            Column::new(Int, "Đang xử lý", "Still open"),
        ],
    );
    for r in &s.reports {
        reports.push(vec![
            Cell::text(r.category.label(lang)),
            Cell::Integer(r.total),
            Cell::Integer(r.founded),
            Cell::Integer(r.partly_founded),
            Cell::Integer(r.unfounded),
            Cell::Integer(r.open),
        ]);
    }
    vec![card, sipas_table(&s.ratings, min_n, lang), reports]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::{PeriodKind, ScorecardReports, UnitFigures};
    use crate::report::{ReportCategory, ReportKind};
    use crate::workflow::ReportStatus;

    fn counts(very: i64, satisfied: i64, not: i64) -> RatingCounts {
        RatingCounts {
            very_satisfied: very,
            satisfied,
            not_satisfied: not,
            criteria: [(40, 30), (10, 9), (0, 0), (35, 35), (30, 15)],
        }
    }

    fn point(from: &str, to: &str, ratings: RatingCounts) -> TrendPoint {
        TrendPoint {
            from: from.into(),
            to: to.into(),
            ratings,
            on_time: 3,
            late: 1,
            received: 4,
        }
    }

    fn dashboard() -> Dashboard {
        let mut cases = CaseCounts {
            received: 40,
            accepted: 4,
            accept_ms: 4 * 2 * 86_400_000,
            answered: 0,
            resolved: 3,
            by_kind: vec![(ReportKind::Feedback, 30), (ReportKind::Denunciation, 10)],
            by_category: vec![(ReportCategory::Rude, 40)],
            by_status_now: vec![(ReportStatus::Received, 5), (ReportStatus::Closed, 15)],
            ..Default::default()
        };
        let mut resolve = DeadlineCounts::new(Stage::Resolve);
        resolve.on_time = 30;
        resolve.late = 5;
        resolve.overdue_open = 5;
        let mut intake = DeadlineCounts::new(Stage::Intake);
        intake.on_time = 2;
        // Stored out of order: the table follows the law's order of stages.
        cases.deadlines = vec![resolve, intake];
        Dashboard {
            unit_id: "u".into(),
            unit_name: "Tỉnh Ninh Bình".into(),
            period: PeriodKind::Month,
            from: "2026-03-01".into(),
            to: "2026-03-31".into(),
            min_ratings: 30,
            ratings: counts(20, 20, 10),
            cases,
            months: vec![
                point("2026-02-01", "2026-02-28", counts(1, 1, 0)),
                point("2026-03-01", "2026-03-31", counts(20, 20, 10)),
            ],
            weeks: vec![point("2026-03-23", "2026-03-29", counts(0, 0, 0))],
            units: vec![
                UnitFigures {
                    unit_id: "a".into(),
                    name: "UBND xã Gia Viễn".into(),
                    ratings: counts(20, 20, 10),
                    cases: CaseCounts::default(),
                },
                UnitFigures {
                    unit_id: "b".into(),
                    name: "UBND phường Hoa Lư".into(),
                    ratings: counts(3, 2, 0),
                    cases: CaseCounts::default(),
                },
            ],
            counters: vec![SubjectFigures {
                id: "c".into(),
                name: "Quầy số 1".into(),
                detail: String::new(),
                ratings: counts(5, 0, 0),
            }],
            officers: vec![SubjectFigures {
                id: "s".into(),
                name: "Nguyễn Thị Lan".into(),
                detail: "GV-001".into(),
                ratings: counts(30, 5, 5),
            }],
        }
    }

    fn table<'a>(tables: &'a [Table], key: &str) -> &'a Table {
        tables.iter().find(|t| t.key == key).expect(key)
    }

    #[test]
    fn every_dashboard_table_in_order_with_full_rows() {
        let tables = dashboard_tables(&dashboard(), Lang::Vi);
        let keys: Vec<&str> = tables.iter().map(|t| t.key.as_str()).collect();
        assert_eq!(keys, DASHBOARD_TABLES);
        for t in &tables {
            for row in &t.rows {
                assert_eq!(row.len(), t.columns.len(), "{}", t.key);
                for (cell, col) in row.iter().zip(&t.columns) {
                    let fits = matches!(
                        (cell, col.kind),
                        (Cell::Missing(_), _)
                            | (Cell::Text(_), ColumnKind::Text)
                            | (Cell::Integer(_), ColumnKind::Integer)
                            | (Cell::Percent(_), ColumnKind::Percent)
                            | (Cell::Decimal(_), ColumnKind::Decimal)
                            | (Cell::Date(_), ColumnKind::Date)
                            | (Cell::DateTime(_), ColumnKind::DateTime)
                    );
                    assert!(fits, "{}: {cell:?} in a {:?} column", t.key, col.kind);
                }
            }
        }
    }

    #[test]
    fn a_rate_under_the_minimum_is_missing_never_zero() {
        let tables = dashboard_tables(&dashboard(), Lang::Vi);
        let units = table(&tables, "units");
        // Gia Viễn: 40 of 50 satisfied. Hoa Lư: 5 ratings, under the minimum of 30.
        assert_eq!(units.rows[0][2], Cell::Percent(0.8));
        assert_eq!(units.rows[0][2].display(Lang::Vi), "80,0%");
        assert_eq!(units.rows[0][2].display(Lang::En), "80.0%");
        let hoa_lu = &units.rows[1];
        assert_eq!(hoa_lu[1], Cell::Integer(5));
        for cell in &hoa_lu[2..5] {
            assert!(cell.is_missing(), "{cell:?}");
        }
        assert_eq!(hoa_lu[2].display(Lang::Vi), "Chưa đủ đánh giá");
        assert_eq!(hoa_lu[2].display(Lang::En), "Not enough ratings yet");
        assert_eq!(hoa_lu[3].display(Lang::Vi), "—");
        // No case decided in either unit: the on-time rate is not stated either, in its own words.
        assert_eq!(hoa_lu[5].display(Lang::Vi), "Chưa đủ hồ sơ");
        // The counter's 5 ratings, all very satisfied, are not a 100%.
        let counters = table(&tables, "counters");
        assert!(counters.rows[0][5].is_missing());
        assert!(!counters
            .rows
            .iter()
            .flatten()
            .any(|c| c.display(Lang::Vi) == "100,0%"));
        // A SIPAS criterion nobody scored, or scored 10 times, is missing; 35 of 35 is 100%.
        let sipas = table(&tables, "sipas");
        assert!(sipas.rows[1][3].is_missing());
        assert!(sipas.rows[2][3].is_missing());
        assert_eq!(sipas.rows[3][3], Cell::Percent(1.0));
        assert_eq!(sipas.rows[4][3], Cell::Percent(0.5));
    }

    #[test]
    fn intervals_and_averages() {
        let tables = dashboard_tables(&dashboard(), Lang::Vi);
        let summary = &table(&tables, "summary").rows[0];
        let rate = counts(20, 20, 10).satisfaction(30);
        let (lo, hi) = rate.interval_pct().unwrap();
        assert_eq!(summary[7], Cell::Percent(0.8));
        assert_eq!(summary[8], Cell::Percent(lo / 100.0));
        assert_eq!(summary[9], Cell::Percent(hi / 100.0));
        assert_eq!(summary[1], Cell::Date(Date::new(2026, 3, 1).unwrap()));
        assert_eq!(summary[1].display(Lang::Vi), "01/03/2026");
        // 4 accepted in 8 days in all: 2 days on average; nothing answered: a dash, not 0.
        assert_eq!(summary[15], Cell::Decimal(2.0));
        assert_eq!(summary[15].display(Lang::Vi), "2,0");
        assert_eq!(summary[16].display(Lang::Vi), "—");
        // 32 on time of 42 decided (the overdue open ones count as late).
        let on_time = match summary[14] {
            Cell::Percent(f) => f,
            ref other => panic!("{other:?}"),
        };
        assert!((on_time - 32.0 / 42.0).abs() < 1e-12);
    }

    #[test]
    fn breakdowns_deadlines_and_trends() {
        let tables = dashboard_tables(&dashboard(), Lang::Vi);
        let kinds = table(&tables, "kinds");
        assert_eq!(kinds.rows[0][0], Cell::text("Phản ánh"));
        assert_eq!(kinds.rows[0][2].display(Lang::Vi), "75,0%");
        let statuses = table(&tables, "statuses");
        assert_eq!(statuses.rows[1][2], Cell::Percent(0.75));
        let deadlines = table(&tables, "deadlines");
        let stages: Vec<String> = deadlines
            .rows
            .iter()
            .map(|r| r[0].display(Lang::Vi))
            .collect();
        assert_eq!(stages, ["Quyết định thụ lý", "Giải quyết, trả lời"]);
        // Intake: 2 decided, under the minimum. Resolve: 30 of 40.
        assert!(deadlines.rows[0][4].is_missing());
        assert_eq!(deadlines.rows[1][3], Cell::Integer(5));
        assert_eq!(deadlines.rows[1][4], Cell::Percent(0.75));
        let months = table(&tables, "months");
        assert_eq!(months.rows[1][0].display(Lang::Vi), "T3/2026");
        assert!(months.rows[0][4].is_missing());
        assert_eq!(months.rows[1][4], Cell::Percent(0.8));
        // 3 on time of 4: under the minimum, so not a rate.
        assert!(months.rows[1][8].is_missing());
        let weeks = table(&tables, "weeks");
        assert_eq!(weeks.rows[0][0].display(Lang::En), "23/03");
        assert_eq!(weeks.rows[0][3], Cell::Integer(0));
        let officers = table(&tables, "officers");
        assert_eq!(
            officers.headers(Lang::Vi)[..3],
            ["Cán bộ", "Số hiệu công chức", "Số đánh giá"]
        );
        assert_eq!(officers.rows[0][1], Cell::text("GV-001"));
        assert_eq!(officers.rows[0][2], Cell::Integer(40));
    }

    #[test]
    fn scorecard_tables_in_order() {
        let s = Scorecard {
            staff_id: "s".into(),
            full_name: "Nguyễn Thị Lan".into(),
            title: "Công chức".into(),
            badge_number: "GV-001".into(),
            unit_name: "UBND xã Gia Viễn".into(),
            from: "2026-03-01".into(),
            to: "2026-03-31".into(),
            min_ratings: 30,
            ratings: counts(2, 1, 1),
            reports: vec![ScorecardReports {
                category: ReportCategory::AskingMoney,
                total: 3,
                founded: 1,
                partly_founded: 0,
                unfounded: 1,
                open: 1,
            }],
            assigned_on_time: 40,
            assigned_late: 10,
        };
        let tables = scorecard_tables(&s, Lang::Vi);
        let keys: Vec<&str> = tables.iter().map(|t| t.key.as_str()).collect();
        assert_eq!(keys, SCORECARD_TABLES);
        let card = &tables[0].rows[0];
        assert_eq!(card[6], Cell::Integer(4));
        assert!(card[10].is_missing());
        assert_eq!(card[15], Cell::Percent(0.8));
        assert_eq!(tables[2].rows[0][0], Cell::text("Đòi tiền, quà"));
    }

    #[test]
    fn numbers_are_written_the_language_s_way() {
        assert_eq!(Cell::Integer(1_234_567).display(Lang::Vi), "1.234.567");
        assert_eq!(Cell::Integer(1_234_567).display(Lang::En), "1,234,567");
        assert_eq!(Cell::Integer(-1000).display(Lang::Vi), "-1.000");
        assert_eq!(Cell::Integer(999).display(Lang::Vi), "999");
        assert_eq!(Cell::Percent(0.875).display(Lang::Vi), "87,5%");
        // 31/01/2026 23:30 in Hà Nội is 16:30 UTC.
        let ms = 1_769_817_600_000 - 7 * 3_600_000 + (23 * 60 + 30) * 60_000;
        assert_eq!(Cell::DateTime(ms).display(Lang::Vi), "31/01/2026 23:30");
        assert_eq!(
            Cell::DateTime(ms + 30 * 60_000).display(Lang::Vi),
            "01/02/2026 00:00"
        );
        assert_eq!(Cell::Decimal(2.26).display(Lang::En), "2.3");
    }

    #[test]
    fn cells_travel_as_json() {
        let t = dashboard_tables(&dashboard(), Lang::Vi);
        let json = serde_json::to_string(&t).unwrap();
        let back: Vec<Table> = serde_json::from_str(&json).unwrap();
        // serde_json reads floats to within an ulp, not always to the bit: compare what shows.
        assert_eq!(back.len(), t.len());
        for (a, b) in back.iter().zip(&t) {
            assert_eq!(
                (&a.key, &a.title, &a.columns),
                (&b.key, &b.title, &b.columns)
            );
            let shown = |t: &Table| -> Vec<Vec<String>> {
                t.rows
                    .iter()
                    .map(|r| r.iter().map(|c| c.display(Lang::Vi)).collect())
                    .collect()
            };
            assert_eq!(shown(a), shown(b));
        }
        assert!(json.contains(r#"{"t":"date","v":"2026-03-01"}"#), "{json}");
    }
}
