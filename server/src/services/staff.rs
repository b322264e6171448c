//! Staff (cán bộ, công chức): name, title, badge number, photo and the counter they serve.

use super::{lower, offset, page_of, search_pattern, subtree_range, units};
use crate::auth::Actor;
use crate::db::{new_id, now_ms, DbConn};
use crate::db_run;
use crate::error::{AppError, AppResult};
use crate::schema::{counters, staff, staff_photos, units as units_t};
use diesel::prelude::*;
use shared::model::{ListQuery, NewStaff, Page, Staff, StaffPatch};
use shared::{ApiError, FieldCode};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = staff)]
pub struct StaffRow {
    pub id: String,
    pub unit_id: String,
    pub full_name: String,
    pub title: String,
    pub badge_number: String,
    pub counter_id: Option<String>,
    pub has_photo: bool,
    pub active: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

impl StaffRow {
    pub fn into_api(self) -> Staff {
        Staff {
            id: self.id,
            unit_id: self.unit_id,
            full_name: self.full_name,
            title: self.title,
            badge_number: self.badge_number,
            counter_id: self.counter_id,
            has_photo: self.has_photo,
            active: self.active,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }

    pub fn new(
        unit_id: &str,
        full_name: &str,
        title: &str,
        badge: &str,
        counter_id: Option<String>,
    ) -> StaffRow {
        let now = now_ms();
        StaffRow {
            id: new_id(),
            unit_id: unit_id.to_string(),
            full_name: full_name.to_string(),
            title: title.to_string(),
            badge_number: badge.to_string(),
            counter_id,
            has_photo: false,
            active: true,
            created_at: now,
            updated_at: now,
        }
    }
}

fn find(conn: &mut DbConn, id: &str) -> AppResult<Option<(StaffRow, String)>> {
    let id = id.to_string();
    Ok(db_run!(conn, {
        staff::table
            .inner_join(units_t::table)
            .filter(staff::id.eq(id))
            .select((StaffRow::as_select(), units_t::path))
            .first(conn)
            .optional()
    })?)
}

pub fn visible(conn: &mut DbConn, actor: &Actor, id: &str) -> AppResult<StaffRow> {
    match find(conn, id)? {
        Some((s, path)) if actor.covers(&path) => Ok(s),
        _ => Err(AppError::not_found()),
    }
}

pub fn list(conn: &mut DbConn, actor: &Actor, q: &ListQuery) -> AppResult<Page<Staff>> {
    let root = match &q.unit_id {
        Some(id) => units::visible(conn, actor, id)?.path,
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
            let mut query = staff::table.inner_join(units_t::table).into_boxed();
            if let Some((lo, hi)) = &range {
                query = query
                    .filter(units_t::path.ge(lo.clone()))
                    .filter(units_t::path.lt(hi.clone()));
            }
            if !include_inactive {
                query = query.filter(staff::active.eq(true));
            }
            if let Some(p) = &pattern {
                query = query.filter(
                    lower(staff::full_name)
                        .like(p.clone())
                        .escape('\\')
                        .or(lower(staff::badge_number).like(p.clone()).escape('\\')),
                );
            }
            query
        };
        let total: i64 = build().count().get_result(conn)?;
        let rows: Vec<StaffRow> = build()
            .order((units_t::path.asc(), staff::full_name.asc()))
            .limit(limit)
            .offset(skip)
            .select(StaffRow::as_select())
            .load(conn)?;
        Ok::<_, diesel::result::Error>((rows, total))
    })?;
    Ok(page_of(
        rows.into_iter().map(StaffRow::into_api).collect(),
        total,
        q,
    ))
}

pub fn badge_owner(conn: &mut DbConn, badge: &str) -> AppResult<Option<String>> {
    let badge = badge.to_string();
    Ok(db_run!(conn, {
        staff::table
            .filter(staff::badge_number.eq(badge))
            .select(staff::id)
            .first::<String>(conn)
            .optional()
    })?)
}

fn duplicate_badge() -> AppError {
    ApiError::field(
        "badge_number",
        FieldCode::Duplicate,
        "Số thẻ công chức này đã được cấp cho người khác.",
        "This badge number already belongs to someone else.",
    )
    .into()
}

/// The counter must exist, be open and belong to the staff member's unit.
fn check_counter(conn: &mut DbConn, counter_id: &str, unit_id: &str) -> AppResult<()> {
    let cid = counter_id.to_string();
    let found: Option<(String, bool)> = db_run!(conn, {
        counters::table
            .find(cid)
            .select((counters::unit_id, counters::active))
            .first(conn)
            .optional()
    })?;
    match found {
        Some((u, true)) if u == unit_id => Ok(()),
        _ => Err(ApiError::field(
            "counter_id",
            FieldCode::InvalidValue,
            "Quầy này không thuộc đơn vị đã chọn hoặc đã đóng.",
            "This counter is not an open counter of the chosen unit.",
        )
        .into()),
    }
}

pub fn insert_rows(conn: &mut DbConn, rows: &[StaffRow]) -> AppResult<()> {
    for chunk in rows.chunks(200) {
        let values: Vec<_> = chunk
            .iter()
            .map(|r| {
                (
                    staff::id.eq(r.id.clone()),
                    staff::unit_id.eq(r.unit_id.clone()),
                    staff::full_name.eq(r.full_name.clone()),
                    staff::title.eq(r.title.clone()),
                    staff::badge_number.eq(r.badge_number.clone()),
                    staff::counter_id.eq(r.counter_id.clone()),
                    staff::has_photo.eq(r.has_photo),
                    staff::active.eq(r.active),
                    staff::created_at.eq(r.created_at),
                    staff::updated_at.eq(r.updated_at),
                )
            })
            .collect();
        db_run!(
            conn,
            diesel::insert_into(staff::table)
                .values(values)
                .execute(conn)
        )?;
    }
    Ok(())
}

pub fn create(conn: &mut DbConn, actor: &Actor, input: &NewStaff) -> AppResult<Staff> {
    actor.require_admin()?;
    let input = shared::validate::new_staff(input)?;
    let unit = units::referenced(conn, actor, "unit_id", &input.unit_id)?;
    if let Some(c) = &input.counter_id {
        check_counter(conn, c, &unit.id)?;
    }
    if badge_owner(conn, &input.badge_number)?.is_some() {
        return Err(duplicate_badge());
    }
    let row = StaffRow::new(
        &unit.id,
        &input.full_name,
        &input.title,
        &input.badge_number,
        input.counter_id.clone(),
    );
    insert_rows(conn, std::slice::from_ref(&row))?;
    Ok(row.into_api())
}

pub fn update(conn: &mut DbConn, actor: &Actor, id: &str, patch: &StaffPatch) -> AppResult<Staff> {
    actor.require_admin()?;
    let current = visible(conn, actor, id)?;
    let patch = shared::validate::staff_patch(patch)?;
    let unit_id = match &patch.unit_id {
        Some(u) => units::referenced(conn, actor, "unit_id", u)?.id,
        None => current.unit_id.clone(),
    };
    // Moving to another unit leaves the old unit's counter behind unless a new one is named.
    let counter_id = match &patch.counter_id {
        Some(c) => c.clone(),
        None if unit_id != current.unit_id => None,
        None => current.counter_id.clone(),
    };
    if let Some(c) = &counter_id {
        if Some(c) != current.counter_id.as_ref() || unit_id != current.unit_id {
            check_counter(conn, c, &unit_id)?;
        }
    }
    if let Some(b) = &patch.badge_number {
        if matches!(badge_owner(conn, b)?, Some(owner) if owner != current.id) {
            return Err(duplicate_badge());
        }
    }
    let now = now_ms();
    let sid = current.id.clone();
    db_run!(conn, {
        diesel::update(staff::table.find(&sid))
            .set((
                staff::unit_id.eq(unit_id.clone()),
                staff::counter_id.eq(counter_id.clone()),
                patch.full_name.clone().map(|v| staff::full_name.eq(v)),
                patch.title.clone().map(|v| staff::title.eq(v)),
                patch
                    .badge_number
                    .clone()
                    .map(|v| staff::badge_number.eq(v)),
                patch.active.map(|v| staff::active.eq(v)),
                staff::updated_at.eq(now),
            ))
            .execute(conn)
    })?;
    Ok(visible(conn, actor, &current.id)?.into_api())
}

/// Stores an officer's photo (already re-encoded without metadata by the caller).
pub fn set_photo(conn: &mut DbConn, actor: &Actor, id: &str, jpeg: Vec<u8>) -> AppResult<Staff> {
    actor.require_admin()?;
    let current = visible(conn, actor, id)?;
    let now = now_ms();
    let sid = current.id.clone();
    db_run!(conn, {
        conn.transaction::<_, diesel::result::Error, _>(|conn| {
            diesel::delete(staff_photos::table.find(&sid)).execute(conn)?;
            diesel::insert_into(staff_photos::table)
                .values((
                    staff_photos::staff_id.eq(&sid),
                    staff_photos::content_type.eq("image/jpeg"),
                    staff_photos::bytes.eq(&jpeg),
                    staff_photos::updated_at.eq(now),
                ))
                .execute(conn)?;
            diesel::update(staff::table.find(&sid))
                .set((staff::has_photo.eq(true), staff::updated_at.eq(now)))
                .execute(conn)?;
            Ok(())
        })
    })?;
    Ok(visible(conn, actor, &current.id)?.into_api())
}

/// An officer's photo. Officers' photos are shown to citizens on the counter page, so they
/// are public by design; only active staff's photos are served.
pub fn photo(conn: &mut DbConn, id: &str) -> AppResult<(String, Vec<u8>)> {
    let sid = id.to_string();
    let found: Option<(String, Vec<u8>)> = db_run!(conn, {
        staff_photos::table
            .inner_join(staff::table.on(staff::id.eq(staff_photos::staff_id)))
            .filter(staff_photos::staff_id.eq(sid))
            .filter(staff::active.eq(true))
            .select((staff_photos::content_type, staff_photos::bytes))
            .first(conn)
            .optional()
    })?;
    found.ok_or_else(AppError::not_found)
}
