//! Accounts and roles. Any change to who an account is (role, unit, password, status) bumps its
//! `auth_version` and ends its sessions, so the change holds at once.

use super::{audit, lower, offset, page_of, search_pattern, subtree_range, units};
use crate::auth::{revoke_all_sessions, Actor};
use crate::crypto::DataKey;
use crate::db::{in_transaction, new_id, now_ms, DbConn};
use crate::db_run;
use crate::error::{AppError, AppResult};
use crate::schema::{accounts, units as units_t};
use diesel::prelude::*;
use shared::audit::action as audit_action;
use shared::model::{Account, AccountPatch, ListQuery, NewAccount, Page, Role};
use shared::{ApiError, ErrorCode, FieldCode};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = accounts)]
pub struct AccountRow {
    pub id: String,
    pub username: String,
    pub password_hash: String,
    pub full_name: String,
    pub role: String,
    pub unit_id: Option<String>,
    pub active: bool,
    pub auth_version: i32,
    pub created_at: i64,
    pub updated_at: i64,
    pub phone_enc: Option<String>,
    pub email_enc: Option<String>,
    pub staff_id: Option<String>,
}

impl AccountRow {
    /// The account as the API shows it, its contact decrypted with `key`.
    pub fn into_api(self, key: &DataKey) -> Account {
        let open = |sealed: Option<String>| sealed.and_then(|v| key.decrypt(&v));
        Account {
            role: Role::parse(&self.role).unwrap_or(Role::Officer),
            id: self.id,
            username: self.username,
            full_name: self.full_name,
            unit_id: self.unit_id,
            active: self.active,
            created_at: self.created_at,
            updated_at: self.updated_at,
            phone: open(self.phone_enc),
            email: open(self.email_enc),
            staff_id: self.staff_id,
        }
    }
}

/// Seals a contact value (a phone or e-mail address) for storing: personal data, encrypted at
/// rest like reporters' contacts.
fn seal(key: &DataKey, value: Option<&str>) -> Option<String> {
    value.map(|v| key.encrypt(v))
}

pub fn by_username(conn: &mut DbConn, username: &str) -> AppResult<Option<AccountRow>> {
    let u = username.to_string();
    Ok(db_run!(conn, {
        accounts::table
            .filter(accounts::username.eq(u))
            .select(AccountRow::as_select())
            .first(conn)
            .optional()
    })?)
}

fn find(conn: &mut DbConn, id: &str) -> AppResult<Option<(AccountRow, Option<String>)>> {
    let id = id.to_string();
    Ok(db_run!(conn, {
        accounts::table
            .left_join(units_t::table)
            .filter(accounts::id.eq(id))
            .select((AccountRow::as_select(), units_t::path.nullable()))
            .first(conn)
            .optional()
    })?)
}

/// Accounts are administrators' business; an administrator sees the accounts scoped inside
/// their subtree (a national account, scoped to nothing, only by a national administrator).
pub fn visible(conn: &mut DbConn, actor: &Actor, id: &str) -> AppResult<AccountRow> {
    actor.require_admin()?;
    match find(conn, id)? {
        Some((a, path)) if actor.covers(path.as_deref().unwrap_or("")) => Ok(a),
        _ => Err(AppError::not_found()),
    }
}

pub fn get(conn: &mut DbConn, id: &str) -> AppResult<AccountRow> {
    find(conn, id)?
        .map(|(a, _)| a)
        .ok_or_else(AppError::not_found)
}

pub fn list(
    conn: &mut DbConn,
    actor: &Actor,
    q: &ListQuery,
    key: &DataKey,
) -> AppResult<Page<Account>> {
    actor.require_admin()?;
    let root = match &q.unit_id {
        Some(id) => Some(units::visible(conn, actor, id)?.path),
        None => None,
    };
    let range = subtree_range(root.as_deref().unwrap_or(&actor.scope_path));
    let include_inactive = q.include_inactive.unwrap_or(false);
    let pattern = search_pattern(q)?;
    if pattern.is_some() {
        super::unicode_lower(conn)?;
    }
    let (limit, skip) = (q.per_page() as i64, offset(q));
    let (rows, total) = db_run!(conn, {
        let build = || {
            let mut query = accounts::table.left_join(units_t::table).into_boxed();
            if let Some((lo, hi)) = &range {
                query = query
                    .filter(units_t::path.ge(lo.clone()))
                    .filter(units_t::path.lt(hi.clone()));
            }
            if !include_inactive {
                query = query.filter(accounts::active.eq(true));
            }
            if let Some(p) = &pattern {
                query = query.filter(
                    lower(accounts::full_name)
                        .like(p.clone())
                        .escape('\\')
                        .or(accounts::username.like(p.clone()).escape('\\')),
                );
            }
            query
        };
        let total: i64 = build().count().get_result(conn)?;
        let rows: Vec<AccountRow> = build()
            .order((accounts::username.asc(),))
            .limit(limit)
            .offset(skip)
            .select(AccountRow::as_select())
            .load(conn)?;
        Ok::<_, diesel::result::Error>((rows, total))
    })?;
    Ok(page_of(
        rows.into_iter().map(|a| a.into_api(key)).collect(),
        total,
        q,
    ))
}

/// The scope an account may be given by this administrator: a unit in their subtree, or no
/// unit (national) only by a national administrator and only for another administrator.
fn check_scope(
    conn: &mut DbConn,
    actor: &Actor,
    role: Role,
    unit_id: Option<&str>,
) -> AppResult<()> {
    match unit_id {
        Some(u) => {
            units::referenced(conn, actor, "unit_id", u)?;
            Ok(())
        }
        None if role == Role::Admin && actor.scope_path.is_empty() => Ok(()),
        None if role == Role::Admin => Err(AppError::forbidden()),
        None => Err(ApiError::field(
            "unit_id",
            FieldCode::Required,
            "Vui lòng chọn đơn vị của tài khoản.",
            "Please choose the account's unit.",
        )
        .into()),
    }
}

fn duplicate_username() -> AppError {
    ApiError::field(
        "username",
        FieldCode::Duplicate,
        "Tên đăng nhập này đã có người dùng.",
        "This username is already taken.",
    )
    .into()
}

/// Creates an account; the password is hashed by the caller (off the database thread's lock),
/// the contact sealed with `key`.
pub fn insert(
    conn: &mut DbConn,
    input: &NewAccount,
    password_hash: &str,
    key: &DataKey,
) -> AppResult<Account> {
    if by_username(conn, &input.username)?.is_some() {
        return Err(duplicate_username());
    }
    let now = now_ms();
    let row = AccountRow {
        id: new_id(),
        username: input.username.clone(),
        password_hash: password_hash.to_string(),
        full_name: input.full_name.clone(),
        role: input.role.as_str().to_string(),
        unit_id: input.unit_id.clone(),
        active: true,
        auth_version: 1,
        created_at: now,
        updated_at: now,
        phone_enc: seal(key, input.phone.as_deref()),
        email_enc: seal(key, input.email.as_deref()),
        staff_id: input.staff_id.clone(),
    };
    let r = row.clone();
    db_run!(conn, {
        diesel::insert_into(accounts::table)
            .values((
                accounts::id.eq(r.id),
                accounts::username.eq(r.username),
                accounts::password_hash.eq(r.password_hash),
                accounts::full_name.eq(r.full_name),
                accounts::role.eq(r.role),
                accounts::unit_id.eq(r.unit_id),
                accounts::active.eq(true),
                accounts::auth_version.eq(1),
                accounts::created_at.eq(now),
                accounts::updated_at.eq(now),
                accounts::phone_enc.eq(r.phone_enc),
                accounts::email_enc.eq(r.email_enc),
                accounts::staff_id.eq(r.staff_id),
            ))
            .execute(conn)
    })
    .map_err(|e| match AppError::from(e) {
        AppError(err) if err.code == ErrorCode::Conflict => duplicate_username(),
        other => other,
    })?;
    Ok(row.into_api(key))
}

/// Creates an account for an administrator and records it in the audit log, together.
pub fn create(
    conn: &mut DbConn,
    actor: &Actor,
    input: &NewAccount,
    password_hash: &str,
    key: &DataKey,
) -> AppResult<Account> {
    let unit = audit::unit_path(conn, input.unit_id.as_deref())?;
    in_transaction(conn, |conn| {
        let account = insert(conn, input, password_hash, key)?;
        audit::append(conn, creation_entry(actor, &account, unit))?;
        Ok(account)
    })
}

/// The audit entry of a new account: its role and unit (never its contact).
pub fn creation_entry(actor: &Actor, account: &Account, unit: Option<String>) -> audit::Entry {
    audit::Entry::by(actor, audit_action::ACCOUNT_CREATE, "account", &account.id)
        .in_unit(unit)
        .with_detail(serde_json::json!({
            "username": account.username,
            "role": account.role.as_str(),
            "unit_id": account.unit_id,
        }))
}

/// Validates and authorises a new account; returns the cleaned input to hash and insert.
pub fn prepare_create(
    conn: &mut DbConn,
    actor: &Actor,
    input: &NewAccount,
) -> AppResult<NewAccount> {
    actor.require_admin()?;
    let input = shared::validate::new_account(input)?;
    check_scope(conn, actor, input.role, input.unit_id.as_deref())?;
    if by_username(conn, &input.username)?.is_some() {
        return Err(duplicate_username());
    }
    if let Some(sid) = &input.staff_id {
        check_staff_link(conn, sid, input.unit_id.as_deref(), None)?;
    }
    Ok(input)
}

pub fn prepare_update(
    conn: &mut DbConn,
    actor: &Actor,
    id: &str,
    patch: &AccountPatch,
) -> AppResult<AccountPatch> {
    let current = visible(conn, actor, id)?;
    let patch = shared::validate::account_patch(patch)?;
    let is_self = current.id == actor.account_id;
    if is_self
        && (patch.active == Some(false)
            || patch.role.is_some_and(|r| r != actor.role)
            || patch.unit_id.is_some())
    {
        return Err(ApiError::with_message(
            ErrorCode::Forbidden,
            "Bạn không thể tự khóa, đổi vai trò hay đổi đơn vị của chính mình.",
            "You cannot disable yourself or change your own role or unit.",
        )
        .into());
    }
    let role = patch
        .role
        .unwrap_or_else(|| Role::parse(&current.role).unwrap_or(Role::Officer));
    let unit_id = patch.unit_id.clone().or(current.unit_id.clone());
    if patch.role.is_some() || patch.unit_id.is_some() {
        check_scope(conn, actor, role, unit_id.as_deref())?;
    }
    let staff_id = match &patch.staff_id {
        Some(new) => new.clone(),
        None => current.staff_id.clone(),
    };
    if let Some(sid) = &staff_id {
        check_staff_link(conn, sid, unit_id.as_deref(), Some(&current.id))?;
    }
    Ok(patch)
}

/// An account is linked to a staff record of its own unit, and a staff record to one account.
fn check_staff_link(
    conn: &mut DbConn,
    staff_id: &str,
    unit_id: Option<&str>,
    account_id: Option<&str>,
) -> AppResult<()> {
    use crate::schema::staff;
    let sid = staff_id.to_string();
    let staff_unit: Option<String> = db_run!(conn, {
        staff::table
            .filter(staff::id.eq(&sid))
            .select(staff::unit_id)
            .first(conn)
            .optional()
    })?;
    if staff_unit.is_none() || staff_unit.as_deref() != unit_id {
        return Err(ApiError::field(
            "staff_id",
            FieldCode::NotFound,
            "Không tìm thấy cán bộ này trong đơn vị của tài khoản.",
            "This staff member was not found in the account's unit.",
        )
        .into());
    }
    let sid = staff_id.to_string();
    let other: Option<String> = db_run!(conn, {
        accounts::table
            .filter(accounts::staff_id.eq(&sid))
            .select(accounts::id)
            .first(conn)
            .optional()
    })?;
    match other {
        Some(id) if Some(id.as_str()) != account_id => Err(ApiError::field(
            "staff_id",
            FieldCode::Duplicate,
            "Cán bộ này đã gắn với một tài khoản khác.",
            "This staff member is already linked to another account.",
        )
        .into()),
        _ => Ok(()),
    }
}

pub fn apply_update(
    conn: &mut DbConn,
    actor: &Actor,
    id: &str,
    patch: &AccountPatch,
    new_hash: Option<String>,
    key: &DataKey,
) -> AppResult<Account> {
    let current = visible(conn, actor, id)?;
    let identity_changed = patch.role.is_some_and(|r| r.as_str() != current.role)
        || patch
            .unit_id
            .as_ref()
            .is_some_and(|u| Some(u) != current.unit_id.as_ref())
        || patch.active.is_some_and(|a| a != current.active)
        || new_hash.is_some();
    let now = now_ms();
    let aid = current.id.clone();
    let version = if identity_changed {
        current.auth_version + 1
    } else {
        current.auth_version
    };
    // What changed, for the audit log: roles, units and status in full, the rest as "changed"
    // (a name, a password or a contact is not for the log to keep).
    let new_unit = patch.unit_id.clone().or(current.unit_id.clone());
    let unit = audit::unit_path(conn, new_unit.as_deref())?;
    let changed = |b: bool| if b { Some(true) } else { None };
    let entry = audit::Entry::by(actor, audit_action::ACCOUNT_UPDATE, "account", &aid)
        .in_unit(unit)
        .with_detail(serde_json::json!({
            "username": current.username,
            "role": patch.role.filter(|r| r.as_str() != current.role)
                .map(|r| [current.role.as_str(), r.as_str()]),
            "unit_id": patch.unit_id.as_ref().filter(|u| Some(*u) != current.unit_id.as_ref())
                .map(|u| [current.unit_id.clone(), Some(u.clone())]),
            "active": patch.active.filter(|a| *a != current.active)
                .map(|a| [current.active, a]),
            "password": changed(new_hash.is_some()),
            "full_name": changed(patch.full_name.is_some()),
            "contact": changed(patch.phone.is_some() || patch.email.is_some()),
        }));
    in_transaction(conn, |conn| {
        update_row(conn, &aid, patch, new_hash, key, version, now)?;
        if identity_changed {
            revoke_all_sessions(conn, &aid)?;
        }
        audit::append(conn, entry)?;
        Ok(())
    })?;
    Ok(visible(conn, actor, &aid)?.into_api(key))
}

fn update_row(
    conn: &mut DbConn,
    aid: &str,
    patch: &AccountPatch,
    new_hash: Option<String>,
    key: &DataKey,
    version: i32,
    now: i64,
) -> AppResult<()> {
    let aid = aid.to_string();
    db_run!(conn, {
        diesel::update(accounts::table.find(&aid))
            .set((
                patch.full_name.clone().map(|v| accounts::full_name.eq(v)),
                patch
                    .role
                    .map(|v| accounts::role.eq(v.as_str().to_string())),
                patch.unit_id.clone().map(|v| accounts::unit_id.eq(Some(v))),
                patch.active.map(|v| accounts::active.eq(v)),
                new_hash.clone().map(|v| accounts::password_hash.eq(v)),
                patch
                    .phone
                    .as_ref()
                    .map(|v| accounts::phone_enc.eq(seal(key, v.as_deref()))),
                patch
                    .email
                    .as_ref()
                    .map(|v| accounts::email_enc.eq(seal(key, v.as_deref()))),
                patch.staff_id.clone().map(|v| accounts::staff_id.eq(v)),
                accounts::auth_version.eq(version),
                accounts::updated_at.eq(now),
            ))
            .execute(conn)
    })?;
    Ok(())
}
