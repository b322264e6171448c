//! Counters (quầy) of a unit, each with the random token its QR code carries.

use super::{lower, offset, page_of, search_pattern, subtree_range, units};
use crate::auth::Actor;
use crate::db::{new_id, now_ms, DbConn};
use crate::db_run;
use crate::error::{AppError, AppResult};
use crate::schema::{counters, units as units_t};
use base64::Engine;
use diesel::prelude::*;
use rand::RngCore;
use shared::model::{Counter, CounterPatch, ListQuery, NewCounter, Page};
use shared::{ApiError, FieldCode};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = counters)]
pub struct CounterRow {
    pub id: String,
    pub unit_id: String,
    pub name: String,
    pub qr_token: String,
    pub active: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

impl CounterRow {
    pub fn into_api(self) -> Counter {
        Counter {
            id: self.id,
            unit_id: self.unit_id,
            name: self.name,
            qr_token: self.qr_token,
            active: self.active,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

/// 128 random bits: a QR code cannot be guessed from another counter's.
pub fn new_qr_token() -> String {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A counter with its unit's path, if it exists.
fn find(conn: &mut DbConn, id: &str) -> AppResult<Option<(CounterRow, String)>> {
    let id = id.to_string();
    Ok(db_run!(conn, {
        counters::table
            .inner_join(units_t::table)
            .filter(counters::id.eq(id))
            .select((CounterRow::as_select(), units_t::path))
            .first(conn)
            .optional()
    })?)
}

pub fn visible(conn: &mut DbConn, actor: &Actor, id: &str) -> AppResult<CounterRow> {
    match find(conn, id)? {
        Some((c, path)) if actor.covers(&path) => Ok(c),
        _ => Err(AppError::not_found()),
    }
}

pub fn list(conn: &mut DbConn, actor: &Actor, q: &ListQuery) -> AppResult<Page<Counter>> {
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
            let mut query = counters::table.inner_join(units_t::table).into_boxed();
            if let Some((lo, hi)) = &range {
                query = query
                    .filter(units_t::path.ge(lo.clone()))
                    .filter(units_t::path.lt(hi.clone()));
            }
            if !include_inactive {
                query = query.filter(counters::active.eq(true));
            }
            if let Some(p) = &pattern {
                query = query.filter(lower(counters::name).like(p.clone()).escape('\\'));
            }
            query
        };
        let total: i64 = build().count().get_result(conn)?;
        let rows: Vec<CounterRow> = build()
            .order((units_t::path.asc(), counters::name.asc()))
            .limit(limit)
            .offset(skip)
            .select(CounterRow::as_select())
            .load(conn)?;
        Ok::<_, diesel::result::Error>((rows, total))
    })?;
    Ok(page_of(
        rows.into_iter().map(CounterRow::into_api).collect(),
        total,
        q,
    ))
}

pub fn insert_rows(conn: &mut DbConn, rows: &[CounterRow]) -> AppResult<()> {
    for chunk in rows.chunks(200) {
        let values: Vec<_> = chunk
            .iter()
            .map(|r| {
                (
                    counters::id.eq(r.id.clone()),
                    counters::unit_id.eq(r.unit_id.clone()),
                    counters::name.eq(r.name.clone()),
                    counters::qr_token.eq(r.qr_token.clone()),
                    counters::active.eq(r.active),
                    counters::created_at.eq(r.created_at),
                    counters::updated_at.eq(r.updated_at),
                )
            })
            .collect();
        db_run!(
            conn,
            diesel::insert_into(counters::table)
                .values(values)
                .execute(conn)
        )?;
    }
    Ok(())
}

pub fn new_row(unit_id: &str, name: &str) -> CounterRow {
    let now = now_ms();
    CounterRow {
        id: new_id(),
        unit_id: unit_id.to_string(),
        name: name.to_string(),
        qr_token: new_qr_token(),
        active: true,
        created_at: now,
        updated_at: now,
    }
}

pub fn create(conn: &mut DbConn, actor: &Actor, input: &NewCounter) -> AppResult<Counter> {
    actor.require_admin()?;
    let input = shared::validate::new_counter(input)?;
    let unit = units::referenced(conn, actor, "unit_id", &input.unit_id)?;
    if !unit.active {
        return Err(ApiError::field(
            "unit_id",
            FieldCode::InvalidValue,
            "Đơn vị này đã ngừng hoạt động.",
            "This unit is deactivated.",
        )
        .into());
    }
    let row = new_row(&unit.id, &input.name);
    insert_rows(conn, std::slice::from_ref(&row))?;
    Ok(row.into_api())
}

pub fn update(
    conn: &mut DbConn,
    actor: &Actor,
    id: &str,
    patch: &CounterPatch,
) -> AppResult<Counter> {
    actor.require_admin()?;
    let current = visible(conn, actor, id)?;
    let patch = shared::validate::counter_patch(patch)?;
    let now = now_ms();
    let cid = current.id.clone();
    db_run!(conn, {
        conn.transaction::<_, diesel::result::Error, _>(|conn| {
            diesel::update(counters::table.find(&cid))
                .set((
                    patch.name.clone().map(|v| counters::name.eq(v)),
                    patch.active.map(|v| counters::active.eq(v)),
                    counters::updated_at.eq(now),
                ))
                .execute(conn)?;
            // A closed counter is served by nobody.
            if patch.active == Some(false) {
                diesel::update(
                    crate::schema::staff::table.filter(crate::schema::staff::counter_id.eq(&cid)),
                )
                .set(crate::schema::staff::counter_id.eq(None::<String>))
                .execute(conn)?;
            }
            Ok(())
        })
    })?;
    Ok(visible(conn, actor, &current.id)?.into_api())
}

/// A new QR token: posters printed with the old one stop working.
pub fn rotate_token(conn: &mut DbConn, actor: &Actor, id: &str) -> AppResult<Counter> {
    actor.require_admin()?;
    let current = visible(conn, actor, id)?;
    let token = new_qr_token();
    let now = now_ms();
    let cid = current.id.clone();
    db_run!(conn, {
        diesel::update(counters::table.find(cid))
            .set((counters::qr_token.eq(token), counters::updated_at.eq(now)))
            .execute(conn)
    })?;
    Ok(visible(conn, actor, &current.id)?.into_api())
}
