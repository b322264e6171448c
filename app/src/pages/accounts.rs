//! Accounts and roles, for administrators.

use crate::components::{
    clear_when_saved, lang, list_query, outcome, FieldMessage, FormOutcome, Pager,
};
use crate::fns::{get_account, list_accounts, list_staff, CreateAccount, UpdateAccount};
use crate::pages::units::{all_units_resource, unit_options};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use shared::model::{ListQuery, Role, Staff};
use shared::Lang;

fn role_options(lang: Lang, selected: Option<Role>) -> impl IntoView {
    Role::ALL
        .iter()
        .map(|r| view! { <option value=r.as_str() selected=Some(*r) == selected>{r.label(lang)}</option> })
        .collect_view()
}

/// The phone and e-mail address the platform's messages go to (a head hears of new
/// denunciations and of each reception session), in the create and edit forms.
#[component]
fn ContactFields(
    error: Signal<Option<shared::ApiError>>,
    phone: Option<String>,
    email: Option<String>,
) -> impl IntoView {
    let lang = lang();
    view! {
        <p class="hint">{lang.pick(
            "Số điện thoại và thư điện tử để nhận thông báo (thủ trưởng được báo khi đơn vị nhận tố cáo và trước mỗi phiên tiếp công dân). Để trống nếu không nhận.",
            "Phone and e-mail for the platform's messages (a head is told of each new denunciation and before each reception session). Leave empty for none.",
        )}</p>
        <label for="phone">{lang.pick("Số điện thoại (SMS, Zalo)", "Phone (SMS, Zalo)")}</label>
        <input id="phone" name="phone" type="tel" inputmode="tel" maxlength="20" autocomplete="off" value=phone />
        <FieldMessage error field="phone" />
        <label for="email">{lang.pick("Thư điện tử", "E-mail")}</label>
        <input id="email" name="email" type="email" maxlength="200" autocomplete="off" value=email />
        <FieldMessage error field="email" />
    }
}

/// "0912345678, a@b.vn", or a dash.
fn contact_summary(phone: Option<&str>, email: Option<&str>) -> String {
    let parts: Vec<&str> = [phone, email].into_iter().flatten().collect();
    if parts.is_empty() {
        "—".into()
    } else {
        parts.join(", ")
    }
}

#[component]
pub fn AccountsPage() -> impl IntoView {
    let lang = lang();
    let query = use_query_map();
    let create = ServerAction::<CreateAccount>::new();
    let accounts = Resource::new(
        move || (list_query(&query.read()), create.version().get()),
        |(q, _)| list_accounts(q),
    );
    let all_units = all_units_resource();
    let (error, saved) = outcome(create.value());
    let create_form_ref = NodeRef::new();
    clear_when_saved(create.value(), create_form_ref);
    view! {
        <h1>{lang.pick("Tài khoản", "Accounts")}</h1>
        <Suspense fallback=move || view! { <p class="loading">{lang.pick("Đang tải…", "Loading…")}</p> }>
            {move || Suspend::new(async move {
                let units = all_units.await.map(|p| p.items).unwrap_or_default();
                let page = match accounts.await {
                    Ok(p) => p,
                    Err(e) => return view! { <div class="notice error" role="alert"><p>{e.0.message.get(lang).to_string()}</p></div> }.into_any(),
                };
                let unit_name = |id: &Option<String>| id.as_ref().and_then(|id| units.iter().find(|u| &u.id == id)).map(|u| u.name.clone()).unwrap_or_else(|| lang.pick("Toàn quốc", "Nationwide").into());
                let rows = page.items.iter().map(|a| view! {
                    <tr>
                        <td><a href=format!("/admin/accounts/{}", a.id)>{a.username.clone()}</a></td>
                        <td>{a.full_name.clone()}</td>
                        <td>{a.role.label(lang)}</td>
                        <td>{unit_name(&a.unit_id)}</td>
                        <td>{contact_summary(a.phone.as_deref(), a.email.as_deref())}</td>
                        <td>{if a.active { lang.pick("Đang dùng", "Active") } else { lang.pick("Đã khóa", "Disabled") }}</td>
                    </tr>
                }).collect_view();
                view! {
                    <div class="table-wrap">
                        <table>
                            <caption class="sr-only">{lang.pick("Danh sách tài khoản", "List of accounts")}</caption>
                            <thead><tr>
                                <th scope="col">{lang.pick("Tên đăng nhập", "Username")}</th>
                                <th scope="col">{lang.pick("Họ và tên", "Name")}</th>
                                <th scope="col">{lang.pick("Vai trò", "Role")}</th>
                                <th scope="col">{lang.pick("Đơn vị", "Unit")}</th>
                                <th scope="col">{lang.pick("Nhận thông báo qua", "Notified at")}</th>
                                <th scope="col">{lang.pick("Trạng thái", "Status")}</th>
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                    <Pager total=page.total page=page.page per_page=page.per_page base="/admin/accounts".to_string() />
                    <section aria-labelledby="new-account">
                        <h2 id="new-account">{lang.pick("Tạo tài khoản", "Create an account")}</h2>
                        <FormOutcome error saved />
                        <ActionForm action=create node_ref=create_form_ref attr:class="grid-form">
                            <label for="username">{lang.pick("Tên đăng nhập", "Username")}</label>
                            <input id="username" name="username" required maxlength="64" autocomplete="off" autocapitalize="none" />
                            <FieldMessage error field="username" />
                            <label for="full_name">{lang.pick("Họ và tên", "Full name")}</label>
                            <input id="full_name" name="full_name" required maxlength="120" />
                            <FieldMessage error field="full_name" />
                            <label for="password">{lang.pick("Mật khẩu (ít nhất 10 ký tự)", "Password (at least 10 characters)")}</label>
                            <input id="password" name="password" type="password" required minlength="10" maxlength="128" autocomplete="new-password" />
                            <FieldMessage error field="password" />
                            <label for="role">{lang.pick("Vai trò", "Role")}</label>
                            <select id="role" name="role">{role_options(lang, Some(Role::Officer))}</select>
                            <label for="unit_id">{lang.pick("Đơn vị (phạm vi của vai trò)", "Unit (the role's scope)")}</label>
                            <select id="unit_id" name="unit_id">{unit_options(&units, None, |u| u.active)}</select>
                            <FieldMessage error field="unit_id" />
                            <ContactFields error phone=None email=None />
                            <button type="submit" class="button primary">{lang.pick("Tạo tài khoản", "Create account")}</button>
                        </ActionForm>
                    </section>
                }.into_any()
            })}
        </Suspense>
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let lang = lang();
    let params = use_params_map();
    let update = ServerAction::<UpdateAccount>::new();
    let account = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                update.version().get(),
            )
        },
        |(id, _)| get_account(id),
    );
    let all_units = all_units_resource();
    // The staff of the account's unit, to link the account to the person's own staff record.
    let unit_staff = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        |id| async move {
            let unit_id = get_account(id).await?.unit_id;
            list_staff(ListQuery {
                unit_id,
                per_page: Some(ListQuery::MAX_PER_PAGE),
                ..Default::default()
            })
            .await
        },
    );
    let (error, saved) = outcome(update.value());
    view! {
        <p><a href="/admin/accounts">{lang.pick("‹ Danh sách tài khoản", "‹ All accounts")}</a></p>
        <Suspense fallback=move || view! { <p class="loading">{lang.pick("Đang tải…", "Loading…")}</p> }>
            {move || Suspend::new(async move {
                let a = match account.await {
                    Ok(a) => a,
                    Err(e) => return view! { <div class="notice error" role="alert"><p>{e.0.message.get(lang).to_string()}</p></div> }.into_any(),
                };
                let units = all_units.await.map(|p| p.items).unwrap_or_default();
                let staff = unit_staff.await.map(|p| p.items).unwrap_or_default();
                let (edit_id, toggle_id) = (a.id.clone(), a.id.clone());
                view! {
                    <h1>{a.full_name.clone()}" ("{a.username.clone()}")"</h1>
                    <FormOutcome error saved />
                    <ActionForm action=update attr:class="grid-form">
                        <input type="hidden" name="id" value=edit_id />
                        <label for="full_name">{lang.pick("Họ và tên", "Full name")}</label>
                        <input id="full_name" name="full_name" required maxlength="120" value=a.full_name.clone() />
                        <FieldMessage error field="full_name" />
                        <label for="role">{lang.pick("Vai trò", "Role")}</label>
                        <select id="role" name="role">{role_options(lang, Some(a.role))}</select>
                        <label for="unit_id">{lang.pick("Đơn vị", "Unit")}</label>
                        <select id="unit_id" name="unit_id">
                            {a.unit_id.is_none().then(|| view! { <option value="" selected=true>{lang.pick("Toàn quốc", "Nationwide")}</option> })}
                            {unit_options(&units, a.unit_id.as_deref(), |u| u.active)}
                        </select>
                        <FieldMessage error field="unit_id" />
                        <ContactFields error phone=a.phone.clone() email=a.email.clone() />
                        <label for="staff_id">{lang.pick("Hồ sơ cán bộ của người này", "This person's staff record")}</label>
                        <select id="staff_id" name="staff_id" aria-describedby="staff_id-help">{staff_options(&staff, a.staff_id.as_deref(), lang)}</select>
                        <p id="staff_id-help" class="hint">{lang.pick(
                            "Phản ánh nêu tên cán bộ này sẽ không hiển thị với tài khoản này; nếu là lãnh đạo, phản ánh được chuyển lên cấp trên và ủy ban kiểm tra.",
                            "Reports naming this staff member are never shown to this account; for a head, they go to the superior unit and the committee.",
                        )}</p>
                        <FieldMessage error field="staff_id" />
                        <label for="password">{lang.pick("Đặt mật khẩu mới (để trống nếu giữ nguyên)", "New password (leave empty to keep)")}</label>
                        <input id="password" name="password" type="password" minlength="10" maxlength="128" autocomplete="new-password" />
                        <FieldMessage error field="password" />
                        <button type="submit" class="button primary">{lang.pick("Lưu", "Save")}</button>
                    </ActionForm>
                    <ActionForm action=update attr:class="inline">
                        <input type="hidden" name="id" value=toggle_id />
                        <input type="hidden" name="active" value=(!a.active).to_string() />
                        <button type="submit" class="button">{if a.active { lang.pick("Khóa tài khoản", "Disable account") } else { lang.pick("Mở khóa tài khoản", "Enable account") }}</button>
                    </ActionForm>
                }.into_any()
            })}
        </Suspense>
    }
}

/// "Not linked", then the unit's staff, the account's own record selected.
fn staff_options(staff: &[Staff], selected: Option<&str>, lang: Lang) -> impl IntoView {
    let none = view! { <option value="" selected=selected.is_none()>{lang.pick("— Không gắn —", "— Not linked —")}</option> };
    let people = staff
        .iter()
        .map(|p| {
            let label = format!("{} · {}", p.full_name, p.badge_number);
            view! { <option value=p.id.clone() selected=selected == Some(p.id.as_str())>{label}</option> }
        })
        .collect_view();
    view! { {none}{people} }
}
