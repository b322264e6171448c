//! Downloads of the figures: who may take them, what each records in the audit log, and the
//! month of ratings read page by page so that a province's month (a million ratings) never sits
//! in memory at once. The files themselves are written by [`crate::export`].

use super::audit::{self, Entry};
use crate::auth::Actor;
use crate::db::DbConn;
use crate::db_run;
use crate::error::{AppError, AppResult};
use crate::schema::{counters, ratings, staff, units};
use diesel::prelude::*;
use shared::audit::action;
use shared::citizen::{Satisfaction, SipasCriterion};
use shared::model::Role;
use shared::review::ReviewOutcome;
use shared::table::{Cell, Column, ColumnKind};
use shared::{ApiError, ErrorCode, Lang, Msg};
use std::collections::HashMap;

/// Only those who read the figures download them: heads, committee members, administrators.
pub fn require_exporter(actor: &Actor) -> AppResult<()> {
    match actor.role {
        Role::Head | Role::Committee | Role::Admin => Ok(()),
        Role::Officer => Err(AppError(ApiError::with_message(
            ErrorCode::Forbidden,
            "Chỉ thủ trưởng, ủy ban kiểm tra và quản trị viên được tải số liệu.",
            "Only heads, committees and administrators may download the figures.",
        ))),
    }
}

/// A file name's part of ASCII letters, digits, dots, underscores and dashes (unit codes and
/// badge numbers are made of these already; a badge's '/' becomes a dash), so the
/// `Content-Disposition` header needs no encoding; "" when nothing is left.
pub fn file_part(s: &str) -> String {
    let mapped: String = s
        .chars()
        .map(|c| match c {
            c if c.is_ascii_alphanumeric() || c == '.' || c == '_' => c,
            _ => '-',
        })
        .collect();
    mapped
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// The code of a unit for a file name ("toan-quoc" for the whole country).
pub fn unit_code(conn: &mut DbConn, unit_id: &str) -> AppResult<String> {
    if unit_id.is_empty() {
        return Ok("toan-quoc".into());
    }
    let code = super::units::find(conn, unit_id)?
        .map(|u| file_part(&u.code))
        .unwrap_or_default();
    Ok(if code.is_empty() {
        "don-vi".into()
    } else {
        code
    })
}

/// Records a download of a dashboard's tables (object: the unit, "" for the whole country).
pub fn record_figures_export(
    conn: &mut DbConn,
    actor: &Actor,
    unit_id: &str,
    detail: serde_json::Value,
) -> AppResult<()> {
    let unit = audit::unit_path(conn, Some(unit_id).filter(|id| !id.is_empty()))?;
    audit::record(
        conn,
        Entry::by(actor, action::FIGURES_EXPORT, "unit", unit_id)
            .in_unit(unit)
            .with_detail(detail),
    )?;
    Ok(())
}

/// Records a download of an officer's scorecard (object: the staff record).
pub fn record_scorecard_export(
    conn: &mut DbConn,
    actor: &Actor,
    staff_id: &str,
    detail: serde_json::Value,
) -> AppResult<()> {
    let sid = staff_id.to_string();
    let unit_id: Option<String> = db_run!(conn, {
        staff::table
            .find(sid)
            .select(staff::unit_id)
            .first(conn)
            .optional()
    })?;
    let unit = audit::unit_path(conn, unit_id.as_deref())?;
    audit::record(
        conn,
        Entry::by(actor, action::FIGURES_EXPORT, "staff", staff_id)
            .in_unit(unit)
            .with_detail(detail),
    )?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Every rating of a month

/// The most ratings read at once.
pub const PAGE_ROWS: i64 = 2_000;

/// The first window of time read; each next window is sized from how many ratings the last one
/// held, to hold about a page.
const FIRST_WINDOW_MS: i64 = 3_600_000;
const MIN_WINDOW_MS: i64 = 1_000;
const MAX_WINDOW_MS: i64 = 32 * 86_400_000;

/// What a month's export covers, checked: the unit (with its subtree) and the month.
#[derive(Debug, Clone)]
pub struct RatingsScope {
    /// "" for the whole country.
    pub unit_id: String,
    pub unit_code: String,
    /// The units of the subtree: id → name.
    pub units: HashMap<String, String>,
    /// `YYYY-MM`.
    pub month: String,
    /// [from, to) in Unix milliseconds: the month's first and the next month's first Vietnam
    /// midnight.
    pub from_ms: i64,
    pub to_ms: i64,
}

/// Checks who asks for which unit and month, and records the download in the audit log before
/// a byte is sent. The unit is the reader's own by default; one outside their units is not
/// found (404), an officer is refused (403), a month that is not one is refused (400).
pub fn start_ratings_export(
    conn: &mut DbConn,
    actor: &Actor,
    unit_id: Option<&str>,
    month: Option<&str>,
    format: &str,
) -> AppResult<RatingsScope> {
    require_exporter(actor)?;
    let (first, last) = super::figures::parse_month(month)?;
    let root = match unit_id
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .or(actor.unit_id.as_deref())
    {
        Some(id) => Some(super::units::visible(conn, actor, id)?),
        None => None,
    };
    let range = super::subtree_range(root.as_ref().map(|u| u.path.as_str()).unwrap_or(""));
    let subtree: Vec<(String, String)> = db_run!(conn, {
        let mut q = units::table.select((units::id, units::name)).into_boxed();
        if let Some((lo, hi)) = range.clone() {
            q = q.filter(units::path.ge(lo)).filter(units::path.lt(hi));
        }
        q.load(conn)
    })?;
    let month = format!("{:04}-{:02}", first.year(), first.month());
    let unit_id = root.as_ref().map(|u| u.id.clone()).unwrap_or_default();
    let code = file_part(root.as_ref().map(|u| u.code.as_str()).unwrap_or(""));
    audit::record(
        conn,
        Entry::by(actor, action::RATINGS_EXPORT, "unit", &unit_id)
            .in_unit(root.as_ref().map(|u| u.path.clone()))
            .with_detail(serde_json::json!({ "month": month, "format": format })),
    )?;
    Ok(RatingsScope {
        unit_code: if root.is_none() {
            "toan-quoc".into()
        } else if code.is_empty() {
            "don-vi".into()
        } else {
            code
        },
        unit_id,
        units: subtree.into_iter().collect(),
        month,
        from_ms: first.start_unix_ms_vietnam(),
        to_ms: last.add_days(1).start_unix_ms_vietnam(),
    })
}

/// The columns of the month's export. Device and network hashes are not among them: they
/// never leave the server.
pub fn rating_columns() -> Vec<Column> {
    use ColumnKind::*;
    let mut columns = vec![
        Column::new(DateTime, "Thời gian", "Time"),
        Column::new(Text, "Đơn vị", "Unit"),
        Column::new(Text, "Quầy", "Counter"),
        Column::new(Text, "Cán bộ", "Officer"),
        Column::new(Text, "Số hiệu công chức", "Badge number"),
        Column::new(Text, "Đánh giá chung", "Overall"),
    ];
    for c in SipasCriterion::ALL {
        columns.push(Column {
            header: Msg::new(c.label(Lang::Vi), c.label(Lang::En)),
            kind: Integer,
        });
    }
    columns.extend([
        Column::new(Text, "Góp ý", "Comment"),
        Column::new(Text, "Mã hồ sơ", "Dossier code"),
        Column::new(Text, "Tính vào số liệu", "Counted in the figures"),
    ]);
    columns
}

/// Column widths of the month's .xlsx, in characters.
pub fn rating_widths() -> Vec<f64> {
    vec![
        17.0, 28.0, 16.0, 24.0, 12.0, 15.0, 16.0, 16.0, 16.0, 14.0, 14.0, 48.0, 16.0, 24.0,
    ]
}

/// Whether a rating counts in the published figures, in words (as
/// `services::ratings::publishable` decides).
fn standing(flagged: bool, outcome: Option<&str>, lang: Lang) -> &'static str {
    match (flagged, outcome.and_then(ReviewOutcome::parse)) {
        (false, _) | (true, Some(ReviewOutcome::Counted)) => lang.pick("Được tính", "Counted"),
        (true, None) => lang.pick("Bị gắn cờ, chờ xem xét", "Flagged, awaiting review"),
        (true, Some(ReviewOutcome::Rejected)) => lang.pick("Đã loại bỏ", "Rejected"),
    }
}

/// The five SIPAS scores of a rating (1–5, or not scored).
type SipasScores = (
    Option<i32>,
    Option<i32>,
    Option<i32>,
    Option<i32>,
    Option<i32>,
);

/// A rating as read for the export: id, created_at, unit, counter, officer, overall, SIPAS,
/// comment, dossier code, flagged, review outcome.
type RatingRow = (
    String,
    i64,
    String,
    String,
    Option<String>,
    String,
    SipasScores,
    String,
    String,
    bool,
    Option<String>,
);

/// Where the reading of a month's ratings stands between pages, and the names already looked up.
///
/// Ratings are read in (created_at, id) order, a window of time at a time: each page asks for
/// the ratings of the subtree's units in the window after the last one sent, through the index
/// on (unit, time) that the rating review already uses. A page of a window then sorts at most
/// that window's ratings, and the window is sized from the last one to hold about a page, so
/// every page costs about the same from the first day of the month to the last, where a plain
/// `LIMIT` after a cursor would sort the whole rest of the month for each page.
pub struct RatingPages {
    scope: RatingsScope,
    lang: Lang,
    ids: Vec<String>,
    window_start: i64,
    window_ms: i64,
    /// Ratings read so far in the current window.
    in_window: i64,
    /// The last rating sent: (created_at, id).
    after: Option<(i64, String)>,
    counters: HashMap<String, String>,
    staff: HashMap<String, (String, String)>,
    pub rows_read: u64,
}

impl RatingPages {
    pub fn new(scope: RatingsScope, lang: Lang) -> RatingPages {
        let mut ids: Vec<String> = scope.units.keys().cloned().collect();
        ids.sort();
        RatingPages {
            window_start: scope.from_ms,
            window_ms: FIRST_WINDOW_MS,
            in_window: 0,
            after: None,
            ids,
            scope,
            lang,
            counters: HashMap::new(),
            staff: HashMap::new(),
            rows_read: 0,
        }
    }

    /// The next page of ratings as table rows, in (created_at, id) order; empty when the month
    /// is done.
    pub fn next_page(&mut self, conn: &mut DbConn) -> AppResult<Vec<Vec<Cell>>> {
        loop {
            if self.window_start >= self.scope.to_ms || self.ids.is_empty() {
                return Ok(Vec::new());
            }
            let window_end = (self.window_start + self.window_ms).min(self.scope.to_ms);
            let rows = self.read(conn, window_end)?;
            self.in_window += rows.len() as i64;
            if rows.len() as i64 == PAGE_ROWS {
                // More may follow in this window.
                self.after = rows.last().map(|r| (r.1, r.0.clone()));
                return self.cells(conn, rows);
            }
            // The window is done: size the next one to hold about a page, growing at most
            // fourfold at a time (a quiet night must not make the morning's window a week).
            let wanted = (self.window_ms as f64 * PAGE_ROWS as f64 / self.in_window.max(1) as f64)
                .min(self.window_ms as f64 * 4.0);
            self.window_ms = (wanted as i64).clamp(MIN_WINDOW_MS, MAX_WINDOW_MS);
            self.window_start = window_end;
            self.in_window = 0;
            self.after = None;
            if !rows.is_empty() {
                return self.cells(conn, rows);
            }
        }
    }

    fn read(&self, conn: &mut DbConn, window_end: i64) -> AppResult<Vec<RatingRow>> {
        let ids = self.ids.clone();
        let (start, after) = (self.window_start, self.after.clone());
        let rows: Vec<RatingRow> = db_run!(conn, {
            let mut q = ratings::table
                .filter(ratings::unit_id.eq_any(ids.clone()))
                .filter(ratings::created_at.lt(window_end))
                .into_boxed();
            q = match &after {
                // `created_at >= t` first, so the index range starts at the cursor.
                Some((t, id)) => q
                    .filter(ratings::created_at.ge(*t))
                    .filter(ratings::created_at.gt(*t).or(ratings::id.gt(id.clone()))),
                None => q.filter(ratings::created_at.ge(start)),
            };
            q.order((ratings::created_at.asc(), ratings::id.asc()))
                .limit(PAGE_ROWS)
                .select((
                    ratings::id,
                    ratings::created_at,
                    ratings::unit_id,
                    ratings::counter_id,
                    ratings::staff_id,
                    ratings::overall,
                    (
                        ratings::sipas_access,
                        ratings::sipas_procedure,
                        ratings::sipas_attitude,
                        ratings::sipas_timeliness,
                        ratings::sipas_feedback_handling,
                    ),
                    ratings::comment,
                    ratings::dossier_code,
                    ratings::flagged,
                    ratings::review_outcome,
                ))
                .load(conn)
        })?;
        Ok(rows)
    }

    /// Looks up the counters and officers of a page not seen yet (a month names a few hundred;
    /// a join on every row would repeat them a million times).
    fn learn_names(&mut self, conn: &mut DbConn, rows: &[RatingRow]) -> AppResult<()> {
        let mut new_counters: Vec<String> = rows
            .iter()
            .map(|r| r.3.clone())
            .filter(|id| !self.counters.contains_key(id))
            .collect();
        new_counters.sort();
        new_counters.dedup();
        let mut new_staff: Vec<String> = rows
            .iter()
            .filter_map(|r| r.4.clone())
            .filter(|id| !self.staff.contains_key(id))
            .collect();
        new_staff.sort();
        new_staff.dedup();
        if !new_counters.is_empty() {
            let found: Vec<(String, String)> = db_run!(conn, {
                counters::table
                    .filter(counters::id.eq_any(new_counters.clone()))
                    .select((counters::id, counters::name))
                    .load(conn)
            })?;
            self.counters.extend(found);
        }
        if !new_staff.is_empty() {
            let found: Vec<(String, String, String)> = db_run!(conn, {
                staff::table
                    .filter(staff::id.eq_any(new_staff.clone()))
                    .select((staff::id, staff::full_name, staff::badge_number))
                    .load(conn)
            })?;
            self.staff.extend(
                found
                    .into_iter()
                    .map(|(id, name, badge)| (id, (name, badge))),
            );
        }
        Ok(())
    }

    fn cells(&mut self, conn: &mut DbConn, rows: Vec<RatingRow>) -> AppResult<Vec<Vec<Cell>>> {
        self.learn_names(conn, &rows)?;
        self.rows_read += rows.len() as u64;
        let lang = self.lang;
        Ok(rows
            .into_iter()
            .map(
                |(
                    _,
                    at,
                    unit,
                    counter,
                    staff,
                    overall,
                    sipas,
                    comment,
                    dossier,
                    flagged,
                    outcome,
                )| {
                    let (officer, badge) = staff
                        .and_then(|id| self.staff.get(&id).cloned())
                        .unwrap_or_default();
                    let mut row = vec![
                        Cell::DateTime(at),
                        Cell::Text(self.scope.units.get(&unit).cloned().unwrap_or_default()),
                        Cell::Text(self.counters.get(&counter).cloned().unwrap_or_default()),
                        Cell::Text(officer),
                        Cell::Text(badge),
                        Cell::text(
                            Satisfaction::parse(&overall)
                                .map(|s| s.label(lang))
                                .unwrap_or(overall.as_str()),
                        ),
                    ];
                    let sipas = [sipas.0, sipas.1, sipas.2, sipas.3, sipas.4];
                    row.extend(sipas.iter().map(|s| match s {
                        Some(n) => Cell::Integer(i64::from(*n)),
                        // Not scored: an empty cell, never a 0 on a 1–5 scale.
                        None => Cell::Missing(Msg::new("", "")),
                    }));
                    row.extend([
                        Cell::Text(comment),
                        Cell::Text(dossier),
                        Cell::text(standing(flagged, outcome.as_deref(), lang)),
                    ]);
                    row
                },
            )
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_parts_are_ascii() {
        assert_eq!(file_part("NB-GV"), "NB-GV");
        assert_eq!(file_part("GV/2026.01"), "GV-2026.01");
        assert_eq!(file_part(" Hà Nội_1 "), "H-N-i_1");
        assert_eq!(file_part("//"), "");
    }

    #[test]
    fn a_month_starts_at_vietnam_midnight() {
        // 01/03/2026 00:00 in Hà Nội is 28/02/2026 17:00 UTC.
        let d = shared::calendar::Date::new(2026, 3, 1).unwrap();
        assert_eq!(d.start_unix_ms_vietnam(), 1_772_298_000_000);
    }

    #[test]
    fn the_standing_of_a_rating() {
        assert_eq!(standing(false, None, Lang::Vi), "Được tính");
        assert_eq!(standing(true, Some("counted"), Lang::Vi), "Được tính");
        assert_eq!(standing(true, None, Lang::Vi), "Bị gắn cờ, chờ xem xét");
        assert_eq!(standing(true, Some("rejected"), Lang::En), "Rejected");
    }

    #[test]
    fn columns_and_widths_match() {
        assert_eq!(rating_columns().len(), rating_widths().len());
        let headers: Vec<String> = rating_columns()
            .iter()
            .map(|c| c.header.vi.to_lowercase())
            .collect();
        assert!(!headers
            .iter()
            .any(|h| h.contains("hash") || h.contains("thiết bị")));
    }
}
