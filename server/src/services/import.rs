//! CSV import of a province's units and staff. All or nothing: every bad row is reported with
//! its line number and, if there is any, nothing is written.
//!
//! units.csv: `code,name,kind,parent_code,address,reception_weekday,reception_start,reception_end`
//! staff.csv: `unit_code,full_name,title,badge_number,counter_name`
//! Files may start with a UTF-8 byte-order mark (as Excel writes them); `kind` takes the API's
//! words (`commune`) or Vietnamese ones (`xã`, `phường`, `đặc khu`, `sở`, `trung tâm`, `tỉnh`).

use super::counters::{self, CounterRow};
use super::staff::{self, StaffRow};
use super::units::{self, UnitRow};
use crate::auth::Actor;
use crate::db::{in_transaction, new_id, now_ms, DbConn};
use crate::db_run;
use crate::error::AppResult;
use crate::schema::{counters as counters_t, staff as staff_t, units as units_t};
use diesel::prelude::*;
use shared::model::{ImportReport, NewStaff, NewUnit, UnitKind};
use shared::{ApiError, ErrorCode, FieldCode, FieldError, Msg};
use std::collections::{HashMap, HashSet};

pub const MAX_ROWS: usize = 50_000;

pub const UNIT_COLUMNS: [&str; 8] = [
    "code",
    "name",
    "kind",
    "parent_code",
    "address",
    "reception_weekday",
    "reception_start",
    "reception_end",
];
pub const STAFF_COLUMNS: [&str; 5] = [
    "unit_code",
    "full_name",
    "title",
    "badge_number",
    "counter_name",
];

struct Problems(Vec<FieldError>);

impl Problems {
    fn add(
        &mut self,
        line: u64,
        field: &str,
        code: FieldCode,
        vi: impl Into<String>,
        en: impl Into<String>,
    ) {
        self.0.push(FieldError {
            field: field.to_string(),
            code,
            message: Msg::new(vi, en),
            line: Some(line),
        });
    }

    fn absorb(&mut self, line: u64, err: ApiError) {
        for mut f in err.fields {
            f.line = Some(line);
            self.0.push(f);
        }
    }

    /// Every problem found, in the order of the file's lines.
    fn into_result(mut self) -> AppResult<()> {
        if self.0.is_empty() {
            return Ok(());
        }
        // Rows that cannot be read are found before the others are checked; a stable sort
        // keeps each line's own problems in column order.
        self.0.sort_by_key(|f| f.line);
        let mut err = ApiError::new(ErrorCode::CsvInvalid);
        err.message = Msg::new(
            format!(
                "Tệp CSV có {} lỗi; chưa có dòng nào được nhập.",
                self.0.len()
            ),
            format!(
                "The CSV file has {} errors; nothing was imported.",
                self.0.len()
            ),
        );
        err.fields = self.0;
        Err(err.into())
    }
}

fn bad_file(vi: impl Into<String>, en: impl Into<String>) -> ApiError {
    let mut e = ApiError::new(ErrorCode::CsvInvalid);
    e.message = Msg::new(vi, en);
    e
}

/// A data row: its line in the file and its cells.
type Row = (u64, Vec<String>);

/// Parses the file into (line, record) pairs after checking the header, with the problems of
/// the rows that cannot be read, so that the caller checks the readable rows too and reports
/// every bad row at once.
fn read_rows(body: &[u8], columns: &[&str]) -> AppResult<(Vec<Row>, Problems)> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(body);
    let header = reader
        .byte_headers()
        .map_err(|_| {
            bad_file(
                "Không đọc được dòng tiêu đề của tệp CSV.",
                "The CSV header cannot be read.",
            )
        })?
        .clone();
    let got: Vec<String> = header
        .iter()
        .map(|h| String::from_utf8_lossy(h).trim().to_lowercase())
        .collect();
    let want: Vec<String> = columns.iter().map(|c| c.to_string()).collect();
    if got.len() < want.len() || got[..want.len()] != want[..] {
        return Err(bad_file(
            format!("Dòng tiêu đề phải là: {}", columns.join(",")),
            format!("The header line must be: {}", columns.join(",")),
        )
        .into());
    }
    let mut rows = Vec::new();
    let mut problems = Problems(Vec::new());
    for record in reader.byte_records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                problems.add(
                    line,
                    "",
                    FieldCode::InvalidFormat,
                    "Dòng không đọc được.",
                    "The line cannot be read.",
                );
                continue;
            }
        };
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        if record.iter().all(|f| f.is_empty()) {
            continue;
        }
        if record.len() != columns.len() {
            problems.add(
                line,
                "",
                FieldCode::InvalidFormat,
                format!("Dòng có {} cột, cần {} cột.", record.len(), columns.len()),
                format!(
                    "The line has {} columns; {} are expected.",
                    record.len(),
                    columns.len()
                ),
            );
            continue;
        }
        let mut fields = Vec::with_capacity(columns.len());
        let mut utf8_ok = true;
        for (i, f) in record.iter().enumerate() {
            match std::str::from_utf8(f) {
                Ok(s) => fields.push(s.to_string()),
                Err(_) => {
                    utf8_ok = false;
                    problems.add(
                        line,
                        columns[i],
                        FieldCode::InvalidFormat,
                        "Ô này không phải văn bản UTF-8 hợp lệ (hãy lưu tệp với mã hóa UTF-8).",
                        "This cell is not valid UTF-8 text (save the file as UTF-8).",
                    );
                }
            }
        }
        if utf8_ok {
            rows.push((line, fields));
        }
        if rows.len() > MAX_ROWS {
            return Err(bad_file(
                format!("Tệp có hơn {MAX_ROWS} dòng; hãy chia nhỏ tệp."),
                format!("The file has more than {MAX_ROWS} rows; please split it."),
            )
            .into());
        }
    }
    if rows.is_empty() && problems.0.is_empty() {
        return Err(bad_file(
            "Tệp CSV không có dòng dữ liệu nào.",
            "The CSV file has no data rows.",
        )
        .into());
    }
    Ok((rows, problems))
}

fn parse_kind(s: &str) -> Option<UnitKind> {
    let lower = s.trim().to_lowercase();
    UnitKind::parse(&lower).or(match lower.as_str() {
        "tỉnh" | "thành phố" | "tinh" => Some(UnitKind::Province),
        "xã" | "xa" => Some(UnitKind::Commune),
        "phường" | "phuong" => Some(UnitKind::Ward),
        "đặc khu" | "dac khu" => Some(UnitKind::SpecialZone),
        "sở" | "so" | "ban" | "ngành" => Some(UnitKind::Department),
        "trung tâm" | "trung tam" => Some(UnitKind::ServiceCentre),
        _ => None,
    })
}

/// Every unit the actor's scope holds, by code, plus every code in use anywhere.
fn unit_index(
    conn: &mut DbConn,
    actor: &Actor,
) -> AppResult<(HashMap<String, UnitRow>, HashSet<String>)> {
    let all: Vec<UnitRow> = db_run!(conn, {
        units_t::table.select(UnitRow::as_select()).load(conn)
    })?;
    let codes = all.iter().map(|u| u.code.clone()).collect();
    let mine = all
        .into_iter()
        .filter(|u| actor.covers(&u.path))
        .map(|u| (u.code.clone(), u))
        .collect();
    Ok((mine, codes))
}

pub fn import_units(conn: &mut DbConn, actor: &Actor, body: &[u8]) -> AppResult<ImportReport> {
    actor.require_admin()?;
    let (rows, mut problems) = read_rows(body, &UNIT_COLUMNS)?;
    let (mut known, mut codes) = unit_index(conn, actor)?;
    let mut new_units: Vec<UnitRow> = Vec::new();
    let now = now_ms();
    for (line, f) in rows {
        let Some(kind) = parse_kind(&f[2]) else {
            problems.add(
                line,
                "kind",
                FieldCode::InvalidValue,
                format!("Loại đơn vị \"{}\" không hợp lệ (tỉnh, xã, phường, đặc khu, sở, trung tâm).", f[2]),
                format!("Unit kind \"{}\" is not valid (province, commune, ward, special_zone, department, service_centre).", f[2]),
            );
            continue;
        };
        let parent = if f[3].is_empty() {
            None
        } else {
            match known.get(&f[3]) {
                Some(p) => Some(p.clone()),
                None => {
                    problems.add(
                        line,
                        "parent_code",
                        FieldCode::NotFound,
                        format!("Không có đơn vị cấp trên mã \"{}\" (trong phạm vi của bạn hoặc ở các dòng trên).", f[3]),
                        format!("No parent unit with code \"{}\" (in your scope or on an earlier line).", f[3]),
                    );
                    continue;
                }
            }
        };
        let weekday = if f[5].is_empty() {
            None
        } else {
            match f[5].parse::<u8>() {
                Ok(d) => Some(d),
                Err(_) => {
                    problems.add(
                        line,
                        "reception_weekday",
                        FieldCode::InvalidFormat,
                        "Ngày tiếp công dân phải là số từ 1 đến 7.",
                        "The reception day must be a number from 1 to 7.",
                    );
                    continue;
                }
            }
        };
        let input = NewUnit {
            parent_id: parent.as_ref().map(|p| p.id.clone()),
            kind,
            code: f[0].clone(),
            name: f[1].clone(),
            address: Some(f[4].clone()),
            reception_weekday: weekday,
            reception_start: (!f[6].is_empty()).then(|| f[6].clone()),
            reception_end: (!f[7].is_empty()).then(|| f[7].clone()),
            // Not a column of the CSV: an administrator above the unit sets it on its page.
            remote_area: None,
        };
        let input = match shared::validate::new_unit(&input) {
            Ok(i) => i,
            Err(e) => {
                problems.absorb(line, e);
                continue;
            }
        };
        if codes.contains(&input.code) {
            problems.add(
                line,
                "code",
                FieldCode::Duplicate,
                format!("Mã đơn vị \"{}\" đã có.", input.code),
                format!("Unit code \"{}\" already exists.", input.code),
            );
            continue;
        }
        let (parent_path, depth) = match &parent {
            Some(p) => {
                if !kind.allowed_parents().contains(&p.kind()) {
                    problems.add(
                        line,
                        "parent_code",
                        FieldCode::InvalidValue,
                        format!(
                            "{} không thể trực thuộc {}.",
                            kind.label(shared::Lang::Vi),
                            p.kind().label(shared::Lang::Vi)
                        ),
                        format!(
                            "A {} cannot belong to a {}.",
                            kind.label(shared::Lang::En),
                            p.kind().label(shared::Lang::En)
                        ),
                    );
                    continue;
                }
                (p.path.clone(), p.depth + 1)
            }
            None if actor.scope_path.is_empty() && kind == UnitKind::Province => {
                ("/".to_string(), 0)
            }
            None => {
                problems.add(
                    line,
                    "parent_code",
                    FieldCode::Required,
                    "Vui lòng ghi mã đơn vị cấp trên.",
                    "Please give the parent unit's code.",
                );
                continue;
            }
        };
        let id = new_id();
        let row = UnitRow {
            path: format!("{parent_path}{id}/"),
            id,
            parent_id: input.parent_id.clone(),
            kind: kind.as_str().to_string(),
            code: input.code.clone(),
            name: input.name.clone(),
            address: input.address.clone().unwrap_or_default(),
            reception_weekday: input.reception_weekday.unwrap_or_default() as i32,
            reception_start: input.reception_start.clone().unwrap_or_default(),
            reception_end: input.reception_end.clone().unwrap_or_default(),
            active: true,
            depth,
            created_at: now,
            updated_at: now,
            remote_area: false,
        };
        codes.insert(row.code.clone());
        known.insert(row.code.clone(), row.clone());
        new_units.push(row);
    }
    problems.into_result()?;
    let count = new_units.len() as u32;
    // One entry for the file, in the importer's unit: the units themselves are in the table.
    let entry = super::audit::Entry::by(
        actor,
        shared::audit::action::UNIT_IMPORT,
        "unit",
        actor.unit_id.as_deref().unwrap_or(""),
    )
    .in_unit(Some(actor.scope_path.clone()))
    .with_detail(serde_json::json!({
        "created": count,
        "codes": new_units.iter().map(|u| u.code.as_str()).collect::<Vec<_>>(),
    }));
    in_transaction(conn, |conn| {
        units::insert_rows(conn, &new_units)?;
        super::audit::append(conn, entry)?;
        Ok(())
    })?;
    Ok(ImportReport {
        units_created: count,
        staff_created: 0,
        counters_created: 0,
    })
}

pub fn import_staff(conn: &mut DbConn, actor: &Actor, body: &[u8]) -> AppResult<ImportReport> {
    actor.require_admin()?;
    let (rows, mut problems) = read_rows(body, &STAFF_COLUMNS)?;
    let (known, _) = unit_index(conn, actor)?;
    let badges: Vec<String> = rows
        .iter()
        .map(|(_, f)| shared::validate::clean(&f[3]))
        .collect();
    let mut taken: HashSet<String> = HashSet::new();
    for chunk in badges.chunks(500) {
        let chunk = chunk.to_vec();
        let found: Vec<String> = db_run!(conn, {
            staff_t::table
                .filter(staff_t::badge_number.eq_any(chunk))
                .select(staff_t::badge_number)
                .load(conn)
        })?;
        taken.extend(found);
    }
    let unit_ids: Vec<String> = known.values().map(|u| u.id.clone()).collect();
    let mut counters_by_name: HashMap<(String, String), String> = HashMap::new();
    for chunk in unit_ids.chunks(500) {
        let chunk = chunk.to_vec();
        let found: Vec<(String, String, String)> = db_run!(conn, {
            counters_t::table
                .filter(counters_t::unit_id.eq_any(chunk))
                .filter(counters_t::active.eq(true))
                .select((counters_t::unit_id, counters_t::name, counters_t::id))
                .load(conn)
        })?;
        for (unit, name, id) in found {
            counters_by_name.insert((unit, name.to_lowercase()), id);
        }
    }
    let mut new_staff: Vec<StaffRow> = Vec::new();
    let mut new_counters: Vec<CounterRow> = Vec::new();
    for (line, f) in rows {
        let Some(unit) = known.get(&f[0]) else {
            problems.add(
                line,
                "unit_code",
                FieldCode::NotFound,
                format!("Không có đơn vị mã \"{}\" trong phạm vi của bạn.", f[0]),
                format!("No unit with code \"{}\" in your scope.", f[0]),
            );
            continue;
        };
        let input = NewStaff {
            unit_id: unit.id.clone(),
            full_name: f[1].clone(),
            title: f[2].clone(),
            badge_number: f[3].clone(),
            counter_id: None,
        };
        let input = match shared::validate::new_staff(&input) {
            Ok(i) => i,
            Err(e) => {
                problems.absorb(line, e);
                continue;
            }
        };
        if !taken.insert(input.badge_number.clone()) {
            problems.add(
                line,
                "badge_number",
                FieldCode::Duplicate,
                format!(
                    "Số thẻ \"{}\" đã được cấp cho người khác.",
                    input.badge_number
                ),
                format!(
                    "Badge number \"{}\" already belongs to someone else.",
                    input.badge_number
                ),
            );
            continue;
        }
        let counter_name = shared::validate::clean(&f[4]);
        let counter_id = if counter_name.is_empty() {
            None
        } else if counter_name.chars().count() > 200 {
            problems.add(
                line,
                "counter_name",
                FieldCode::TooLong,
                "Tên quầy quá dài.",
                "The counter name is too long.",
            );
            continue;
        } else {
            let key = (unit.id.clone(), counter_name.to_lowercase());
            Some(match counters_by_name.get(&key) {
                Some(id) => id.clone(),
                None => {
                    let row = counters::new_row(&unit.id, &counter_name);
                    counters_by_name.insert(key, row.id.clone());
                    let id = row.id.clone();
                    new_counters.push(row);
                    id
                }
            })
        };
        new_staff.push(StaffRow::new(
            &unit.id,
            &input.full_name,
            &input.title,
            &input.badge_number,
            counter_id,
        ));
    }
    problems.into_result()?;
    let report = ImportReport {
        units_created: 0,
        staff_created: new_staff.len() as u32,
        counters_created: new_counters.len() as u32,
    };
    in_transaction(conn, |conn| {
        counters::insert_rows(conn, &new_counters)?;
        staff::insert_rows(conn, &new_staff)
    })?;
    Ok(report)
}
