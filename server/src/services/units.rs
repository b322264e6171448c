//! Units: the tree of provinces, communes and wards, departments and service centres.

use super::audit::Entry;
use super::{lower, offset, page_of, search_pattern, subtree_range};
use crate::auth::Actor;
use crate::db::{new_id, now_ms, DbConn};
use crate::db_run;
use crate::error::{AppError, AppResult};
use crate::schema::units;
use diesel::prelude::*;
use shared::audit::action as audit_action;
use shared::model::{ListQuery, NewUnit, Page, Unit, UnitKind, UnitPatch};
use shared::{ApiError, FieldCode};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = units)]
pub struct UnitRow {
    pub id: String,
    pub parent_id: Option<String>,
    pub kind: String,
    pub code: String,
    pub name: String,
    pub address: String,
    pub reception_weekday: i32,
    pub reception_start: String,
    pub reception_end: String,
    pub active: bool,
    pub path: String,
    pub depth: i32,
    pub created_at: i64,
    pub updated_at: i64,
    pub remote_area: bool,
}

impl UnitRow {
    pub fn kind(&self) -> UnitKind {
        UnitKind::parse(&self.kind).unwrap_or_default()
    }

    pub fn into_api(self) -> Unit {
        Unit {
            kind: self.kind(),
            id: self.id,
            parent_id: self.parent_id,
            code: self.code,
            name: self.name,
            address: self.address,
            reception_weekday: self.reception_weekday as u8,
            reception_start: self.reception_start,
            reception_end: self.reception_end,
            active: self.active,
            depth: self.depth as u32,
            created_at: self.created_at,
            updated_at: self.updated_at,
            remote_area: self.remote_area,
        }
    }
}

pub fn find(conn: &mut DbConn, id: &str) -> AppResult<Option<UnitRow>> {
    let id = id.to_string();
    Ok(db_run!(conn, {
        units::table
            .find(id)
            .select(UnitRow::as_select())
            .first(conn)
            .optional()
    })?)
}

/// A unit the actor may see; anything else is "not found", so that ids outside the actor's
/// subtree cannot be probed.
/// Whether the unit is in a remote and difficult area (its complaints' longer periods, Law on
/// Complaints 2011, art. 28).
pub fn remote_area(conn: &mut DbConn, id: &str) -> AppResult<bool> {
    let id = id.to_string();
    Ok(db_run!(conn, {
        units::table
            .find(id)
            .select(units::remote_area)
            .first(conn)
            .optional()
    })?
    .unwrap_or(false))
}

/// The remote-area flag lengthens a unit's complaint deadlines (Law on Complaints 2011, art.
/// 28), so a unit's own administrator does not set it on their own unit: an administrator
/// above it does (the designation of remote and difficult areas is a decision of the higher
/// level).
fn check_remote_area_change(actor: &Actor, unit_id: &str) -> AppResult<()> {
    if actor.unit_id.as_deref() == Some(unit_id) {
        return Err(ApiError::with_message(
            shared::ErrorCode::Forbidden,
            "Đơn vị không tự xác định mình thuộc vùng sâu, vùng xa: quản trị viên cấp trên thực hiện việc này.",
            "A unit does not mark itself as a remote area: an administrator above it does.",
        )
        .into());
    }
    Ok(())
}

pub fn visible(conn: &mut DbConn, actor: &Actor, id: &str) -> AppResult<UnitRow> {
    match find(conn, id)? {
        Some(u) if actor.covers(&u.path) => Ok(u),
        _ => Err(AppError::not_found()),
    }
}

/// A unit referenced from a request body: a field error when it is missing or out of scope.
pub fn referenced(conn: &mut DbConn, actor: &Actor, field: &str, id: &str) -> AppResult<UnitRow> {
    match find(conn, id)? {
        Some(u) if actor.covers(&u.path) => Ok(u),
        Some(_) => Err(AppError::forbidden()),
        None => Err(ApiError::field(
            field,
            FieldCode::NotFound,
            "Không tìm thấy đơn vị này.",
            "This unit does not exist.",
        )
        .into()),
    }
}

pub fn list(conn: &mut DbConn, actor: &Actor, q: &ListQuery) -> AppResult<Page<Unit>> {
    let root = match &q.unit_id {
        Some(id) => visible(conn, actor, id)?.path,
        None => actor.scope_path.clone(),
    };
    let range = subtree_range(&root);
    let include_inactive = q.include_inactive.unwrap_or(false);
    let pattern = search_pattern(q)?;
    if pattern.is_some() {
        super::unicode_lower(conn)?;
    }
    let (limit, skip) = (q.per_page() as i64, offset(q));
    let (rows, total) = db_run!(conn, {
        let build = || {
            let mut query = units::table.into_boxed();
            if let Some((lo, hi)) = &range {
                query = query
                    .filter(units::path.ge(lo.clone()))
                    .filter(units::path.lt(hi.clone()));
            }
            if !include_inactive {
                query = query.filter(units::active.eq(true));
            }
            if let Some(p) = &pattern {
                query = query.filter(
                    lower(units::name)
                        .like(p.clone())
                        .escape('\\')
                        .or(lower(units::code).like(p.clone()).escape('\\')),
                );
            }
            query
        };
        let total: i64 = build().count().get_result(conn)?;
        let rows: Vec<UnitRow> = build()
            .order((units::path.asc(),))
            .limit(limit)
            .offset(skip)
            .select(UnitRow::as_select())
            .load(conn)?;
        Ok::<_, diesel::result::Error>((rows, total))
    })?;
    Ok(page_of(
        rows.into_iter().map(UnitRow::into_api).collect(),
        total,
        q,
    ))
}

fn code_taken(conn: &mut DbConn, code: &str, except: Option<&str>) -> AppResult<bool> {
    let code = code.to_string();
    let except = except.map(str::to_string);
    let found: Option<String> = db_run!(conn, {
        units::table
            .filter(units::code.eq(code))
            .select(units::id)
            .first::<String>(conn)
            .optional()
    })?;
    Ok(matches!(found, Some(id) if Some(&id) != except.as_ref()))
}

fn duplicate_code() -> AppError {
    ApiError::field(
        "code",
        FieldCode::Duplicate,
        "Mã đơn vị này đã được dùng cho một đơn vị khác.",
        "This unit code is already used by another unit.",
    )
    .into()
}

fn wrong_parent(kind: UnitKind) -> AppError {
    let allowed: Vec<&str> = kind
        .allowed_parents()
        .iter()
        .map(|k| k.label(shared::Lang::Vi))
        .collect();
    let allowed_en: Vec<&str> = kind
        .allowed_parents()
        .iter()
        .map(|k| k.label(shared::Lang::En))
        .collect();
    ApiError::field(
        "parent_id",
        FieldCode::InvalidValue,
        &format!(
            "{} chỉ có thể trực thuộc: {}.",
            kind.label(shared::Lang::Vi),
            allowed.join(", ")
        ),
        &format!(
            "A {} can only belong to: {}.",
            kind.label(shared::Lang::En).to_lowercase(),
            allowed_en.join(", ")
        ),
    )
    .into()
}

/// Checks the parent of a new or moved unit and returns its (path, depth).
fn place_under(
    conn: &mut DbConn,
    actor: &Actor,
    kind: UnitKind,
    parent_id: Option<&str>,
) -> AppResult<(String, i32)> {
    match parent_id {
        Some(pid) => {
            let parent = referenced(conn, actor, "parent_id", pid)?;
            if !kind.allowed_parents().contains(&parent.kind()) {
                return Err(wrong_parent(kind));
            }
            if !parent.active {
                return Err(ApiError::field(
                    "parent_id",
                    FieldCode::InvalidValue,
                    "Đơn vị cấp trên đã ngừng hoạt động.",
                    "The parent unit is deactivated.",
                )
                .into());
            }
            Ok((parent.path, parent.depth + 1))
        }
        // Only a national administrator may add a top-level unit.
        None if actor.scope_path.is_empty() => Ok((String::from("/"), 0)),
        None => Err(AppError::forbidden()),
    }
}

pub fn create(conn: &mut DbConn, actor: &Actor, input: &NewUnit) -> AppResult<Unit> {
    actor.require_admin()?;
    let input = shared::validate::new_unit(input)?;
    let (parent_path, depth) = place_under(conn, actor, input.kind, input.parent_id.as_deref())?;
    if code_taken(conn, &input.code, None)? {
        return Err(duplicate_code());
    }
    let id = new_id();
    let path = format!("{parent_path}{id}/");
    let now = now_ms();
    let row = UnitRow {
        id: id.clone(),
        parent_id: input.parent_id.clone(),
        kind: input.kind.as_str().to_string(),
        code: input.code.clone(),
        name: input.name.clone(),
        address: input.address.clone().unwrap_or_default(),
        reception_weekday: input.reception_weekday.unwrap_or_default() as i32,
        reception_start: input.reception_start.clone().unwrap_or_default(),
        reception_end: input.reception_end.clone().unwrap_or_default(),
        active: true,
        path,
        depth,
        created_at: now,
        updated_at: now,
        remote_area: input.remote_area.unwrap_or(false),
    };
    let entry = Entry::by(actor, audit_action::UNIT_CREATE, "unit", &row.id)
        .in_unit(Some(row.path.clone()))
        .with_detail(serde_json::json!({
            "code": row.code,
            "name": row.name,
            "kind": row.kind,
            "parent_id": row.parent_id,
        }));
    crate::db::in_transaction(conn, |conn| {
        insert_rows(conn, std::slice::from_ref(&row))?;
        super::audit::append(conn, entry)?;
        Ok(())
    })?;
    Ok(row.into_api())
}

pub fn insert_rows(conn: &mut DbConn, rows: &[UnitRow]) -> AppResult<()> {
    for chunk in rows.chunks(200) {
        let values: Vec<_> = chunk
            .iter()
            .map(|r| {
                (
                    units::id.eq(r.id.clone()),
                    units::parent_id.eq(r.parent_id.clone()),
                    units::kind.eq(r.kind.clone()),
                    units::code.eq(r.code.clone()),
                    units::name.eq(r.name.clone()),
                    units::address.eq(r.address.clone()),
                    units::reception_weekday.eq(r.reception_weekday),
                    units::reception_start.eq(r.reception_start.clone()),
                    units::reception_end.eq(r.reception_end.clone()),
                    units::active.eq(r.active),
                    units::path.eq(r.path.clone()),
                    units::depth.eq(r.depth),
                    units::created_at.eq(r.created_at),
                    units::updated_at.eq(r.updated_at),
                    units::remote_area.eq(r.remote_area),
                )
            })
            .collect();
        db_run!(
            conn,
            diesel::insert_into(units::table)
                .values(values)
                .execute(conn)
        )?;
    }
    Ok(())
}

pub fn update(conn: &mut DbConn, actor: &Actor, id: &str, patch: &UnitPatch) -> AppResult<Unit> {
    actor.require_admin()?;
    let current = visible(conn, actor, id)?;
    let patch = shared::validate::unit_patch(patch, &current.clone().into_api())?;
    if let Some(code) = &patch.code {
        if code_taken(conn, code, Some(&current.id))? {
            return Err(duplicate_code());
        }
    }
    let remote_changed = patch.remote_area.is_some_and(|r| r != current.remote_area);
    if remote_changed {
        check_remote_area_change(actor, &current.id)?;
    }
    if patch.active == Some(false) && actor.unit_id.as_deref() == Some(current.id.as_str()) {
        return Err(ApiError::with_message(
            shared::ErrorCode::Forbidden,
            "Không thể tự ngừng hoạt động đơn vị mà tài khoản của bạn quản lý.",
            "You cannot deactivate the unit your own account is scoped to.",
        )
        .into());
    }
    let kind = current.kind();
    let mut moved: Option<(String, i32)> = None;
    if let Some(new_parent) = patch.parent_id.as_deref() {
        if Some(new_parent) != current.parent_id.as_deref() {
            let (parent_path, parent_depth_plus_one) =
                place_under(conn, actor, kind, Some(new_parent))?;
            if parent_path.starts_with(&current.path) {
                return Err(ApiError::field(
                    "parent_id",
                    FieldCode::InvalidValue,
                    "Không thể chuyển đơn vị vào chính nó hoặc đơn vị cấp dưới của nó.",
                    "A unit cannot be moved under itself or one of its own units.",
                )
                .into());
            }
            moved = Some((
                format!("{parent_path}{}/", current.id),
                parent_depth_plus_one,
            ));
        }
    }
    let now = now_ms();
    let id = current.id.clone();
    let old_path = current.path.clone();
    let old_depth = current.depth;
    // The patch as sent (fields left out are unchanged): names, codes, hours, the parent.
    let entry = Entry::by(actor, audit_action::UNIT_UPDATE, "unit", &id)
        .in_unit(Some(
            moved
                .as_ref()
                .map(|(p, _)| p.clone())
                .unwrap_or(old_path.clone()),
        ))
        .with_detail(serde_json::to_value(&patch).map_err(AppError::internal)?);
    crate::db::in_transaction(conn, |conn| {
        db_run!(conn, {
            diesel::update(units::table.find(&id))
                .set((
                    patch.code.clone().map(|v| units::code.eq(v)),
                    patch.name.clone().map(|v| units::name.eq(v)),
                    patch.address.clone().map(|v| units::address.eq(v)),
                    patch
                        .reception_weekday
                        .map(|v| units::reception_weekday.eq(v as i32)),
                    patch
                        .reception_start
                        .clone()
                        .map(|v| units::reception_start.eq(v)),
                    patch
                        .reception_end
                        .clone()
                        .map(|v| units::reception_end.eq(v)),
                    patch.active.map(|v| units::active.eq(v)),
                    patch.remote_area.map(|v| units::remote_area.eq(v)),
                    units::updated_at.eq(now),
                ))
                .execute(conn)?;
            if let Some((new_path, new_depth)) = &moved {
                diesel::update(units::table.find(&id))
                    .set(units::parent_id.eq(patch.parent_id.clone()))
                    .execute(conn)?;
                // Re-root the whole subtree: swap the old path prefix for the new one.
                let (lo, hi) = subtree_range(&old_path).expect("unit paths end with '/'");
                let descendants: Vec<(String, String, i32)> = units::table
                    .filter(units::path.ge(&lo))
                    .filter(units::path.lt(&hi))
                    .select((units::id, units::path, units::depth))
                    .load(conn)?;
                for (uid, path, depth) in descendants {
                    let rebased = format!("{new_path}{}", &path[old_path.len()..]);
                    diesel::update(units::table.find(uid))
                        .set((
                            units::path.eq(rebased),
                            units::depth.eq(depth - old_depth + new_depth),
                        ))
                        .execute(conn)?;
                }
            }
            Ok::<_, diesel::result::Error>(())
        })?;
        super::audit::append(conn, entry)
    })?;
    if remote_changed {
        // The unit's open complaints now have a longer (or shorter) resolution period.
        super::cases::store_open_deadlines_of_unit(conn, &id)?;
    }
    Ok(visible(conn, actor, id.as_str())?.into_api())
}
