//! Staff: who serves at which counter, with name, title, badge number and photo.

use crate::components::{
    clear_when_saved, lang, list_query, outcome, FieldMessage, FormOutcome, Pager,
};
use crate::fns::{get_staff, list_counters, list_staff, CreateStaff, UpdateStaff};
use crate::pages::layout::me;
use crate::pages::units::{all_units_resource, unit_options};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use shared::model::{Counter, ListQuery, Role, Unit};

fn counter_options(counters: &[Counter], units: &[Unit], selected: Option<&str>) -> AnyView {
    counters
        .iter()
        .filter(|c| c.active)
        .map(|c| {
            let unit = units.iter().find(|u| u.id == c.unit_id).map(|u| u.name.clone()).unwrap_or_default();
            let is_sel = selected == Some(c.id.as_str());
            view! { <option value=c.id.clone() selected=is_sel>{format!("{} — {}", c.name, unit)}</option> }
        })
        .collect_view()
        .into_any()
}

fn all_counters_resource() -> Resource<Result<shared::model::Page<Counter>, crate::error::FnError>>
{
    Resource::new(
        || (),
        |_| {
            list_counters(ListQuery {
                per_page: Some(ListQuery::MAX_PER_PAGE),
                ..Default::default()
            })
        },
    )
}

#[component]
pub fn StaffPage() -> impl IntoView {
    let lang = lang();
    let is_admin = me().is_some_and(|m| m.account.role == Role::Admin);
    let query = use_query_map();
    let create = ServerAction::<CreateStaff>::new();
    let staff = Resource::new(
        move || (list_query(&query.read()), create.version().get()),
        |(q, _)| list_staff(q),
    );
    let all_units = all_units_resource();
    let all_counters = all_counters_resource();
    let (error, saved) = outcome(create.value());
    let create_form_ref = NodeRef::new();
    clear_when_saved(create.value(), create_form_ref);
    let search = query.read_untracked().get("q").unwrap_or_default();
    let selected_unit = query.read_untracked().get("unit_id");
    view! {
        <h1>{lang.pick("Cán bộ", "Staff")}</h1>
        <Suspense fallback=move || view! { <p class="loading">{lang.pick("Đang tải…", "Loading…")}</p> }>
            {move || {
                let (search, selected_unit) = (search.clone(), selected_unit.clone());
                Suspend::new(async move {
                let units = all_units.await.map(|p| p.items).unwrap_or_default();
                let counters = all_counters.await.map(|p| p.items).unwrap_or_default();
                let page = match staff.await {
                    Ok(p) => p,
                    Err(e) => return view! { <div class="notice error" role="alert"><p>{e.0.message.get(lang).to_string()}</p></div> }.into_any(),
                };
                let unit_name = |id: &str| units.iter().find(|u| u.id == id).map(|u| u.name.clone()).unwrap_or_default();
                let counter_name = |id: &Option<String>| id.as_ref().and_then(|id| counters.iter().find(|c| &c.id == id)).map(|c| c.name.clone()).unwrap_or_else(|| "—".into());
                let rows = page.items.iter().map(|s| view! {
                    <tr>
                        <td><a href=format!("/admin/staff/{}", s.id)>{s.full_name.clone()}</a></td>
                        <td>{s.title.clone()}</td>
                        <td>{s.badge_number.clone()}</td>
                        <td>{unit_name(&s.unit_id)}</td>
                        <td>{counter_name(&s.counter_id)}</td>
                    </tr>
                }).collect_view();
                let mut base = String::from("/admin/staff?");
                if let Some(u) = &selected_unit { base.push_str(&format!("unit_id={u}&")); }
                if !search.is_empty() { base.push_str(&format!("q={search}")); }
                let create_unit_options = unit_options(&units, selected_unit.as_deref(), |u| u.active);
                let create_counter_options = counter_options(&counters, &units, None);
                let create_form = is_admin.then(|| view! {
                    <section aria-labelledby="new-staff">
                        <h2 id="new-staff">{lang.pick("Thêm cán bộ", "Add a staff member")}</h2>
                        <FormOutcome error saved />
                        <ActionForm action=create node_ref=create_form_ref attr:class="grid-form">
                            <label for="new-unit_id">{lang.pick("Đơn vị", "Unit")}</label>
                            <select id="new-unit_id" name="unit_id" required>{create_unit_options}</select>
                            <FieldMessage error field="unit_id" />
                            <label for="full_name">{lang.pick("Họ và tên", "Full name")}</label>
                            <input id="full_name" name="full_name" required maxlength="120" autocomplete="off" />
                            <FieldMessage error field="full_name" />
                            <label for="title">{lang.pick("Chức danh", "Title")}</label>
                            <input id="title" name="title" required maxlength="120" />
                            <FieldMessage error field="title" />
                            <label for="badge_number">{lang.pick("Số thẻ công chức", "Badge number")}</label>
                            <input id="badge_number" name="badge_number" required maxlength="32" />
                            <FieldMessage error field="badge_number" />
                            <label for="counter_id">{lang.pick("Quầy đang phục vụ", "Serving at counter")}</label>
                            <select id="counter_id" name="counter_id">
                                <option value="">{lang.pick("(Chưa phân công)", "(None)")}</option>
                                {create_counter_options}
                            </select>
                            <FieldMessage error field="counter_id" />
                            <button type="submit" class="button primary">{lang.pick("Thêm cán bộ", "Add staff member")}</button>
                        </ActionForm>
                    </section>
                });
                view! {
                    <form method="get" class="filters" role="search">
                        <label for="q">{lang.pick("Tìm theo tên hoặc số thẻ", "Search by name or badge")}</label>
                        <input id="q" name="q" type="search" value=search.clone() />
                        <label for="unit_id">{lang.pick("Đơn vị", "Unit")}</label>
                        <select id="unit_id" name="unit_id">
                            <option value="">{lang.pick("Tất cả", "All")}</option>
                            {unit_options(&units, selected_unit.as_deref(), |_| true)}
                        </select>
                        <button type="submit" class="button">{lang.pick("Lọc", "Filter")}</button>
                    </form>
                    <div class="table-wrap">
                        <table>
                            <caption class="sr-only">{lang.pick("Danh sách cán bộ", "List of staff")}</caption>
                            <thead><tr>
                                <th scope="col">{lang.pick("Họ và tên", "Name")}</th>
                                <th scope="col">{lang.pick("Chức danh", "Title")}</th>
                                <th scope="col">{lang.pick("Số thẻ", "Badge")}</th>
                                <th scope="col">{lang.pick("Đơn vị", "Unit")}</th>
                                <th scope="col">{lang.pick("Quầy", "Counter")}</th>
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                    <Pager total=page.total page=page.page per_page=page.per_page base />
                    {create_form}
                }.into_any()
            })}}
        </Suspense>
    }
}

#[component]
pub fn StaffMemberPage() -> impl IntoView {
    let lang = lang();
    let is_admin = me().is_some_and(|m| m.account.role == Role::Admin);
    let params = use_params_map();
    let update = ServerAction::<UpdateStaff>::new();
    let member = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                update.version().get(),
            )
        },
        |(id, _)| get_staff(id),
    );
    let all_units = all_units_resource();
    let all_counters = all_counters_resource();
    let (error, saved) = outcome(update.value());
    let (photo_error, photo_saved) = (
        crate::components::url_error(),
        crate::components::url_saved(),
    );
    view! {
        <p><a href="/admin/staff">{lang.pick("‹ Danh sách cán bộ", "‹ All staff")}</a></p>
        <Suspense fallback=move || view! { <p class="loading">{lang.pick("Đang tải…", "Loading…")}</p> }>
            {move || Suspend::new(async move {
                let s = match member.await {
                    Ok(s) => s,
                    Err(e) => return view! { <div class="notice error" role="alert"><p>{e.0.message.get(lang).to_string()}</p></div> }.into_any(),
                };
                let units = all_units.await.map(|p| p.items).unwrap_or_default();
                let counters: Vec<Counter> = all_counters.await.map(|p| p.items).unwrap_or_default().into_iter().filter(|c| c.unit_id == s.unit_id).collect();
                let unit = units.iter().find(|u| u.id == s.unit_id).map(|u| u.name.clone()).unwrap_or_default();
                let photo = s.has_photo.then(|| view! {
                    <img class="portrait" src=format!("/api/v1/staff/{}/photo?v={}", s.id, s.updated_at) alt=format!("{} {}", lang.pick("Ảnh của", "Photo of"), s.full_name) width="160" />
                });
                let (edit_id, toggle_id) = (s.id.clone(), s.id.clone());
                let e = s.clone();
                let photo_action = format!("/admin/staff/{}/photo", s.id);
                let member_counter_options = counter_options(&counters, &units, s.counter_id.as_deref());
                let edit = is_admin.then(move || view! {
                    <h2>{lang.pick("Sửa thông tin", "Edit")}</h2>
                    <FormOutcome error saved />
                    <ActionForm action=update attr:class="grid-form">
                        <input type="hidden" name="id" value=edit_id />
                        <label for="full_name">{lang.pick("Họ và tên", "Full name")}</label>
                        <input id="full_name" name="full_name" required maxlength="120" value=e.full_name />
                        <FieldMessage error field="full_name" />
                        <label for="title">{lang.pick("Chức danh", "Title")}</label>
                        <input id="title" name="title" required maxlength="120" value=e.title />
                        <FieldMessage error field="title" />
                        <label for="badge_number">{lang.pick("Số thẻ công chức", "Badge number")}</label>
                        <input id="badge_number" name="badge_number" required maxlength="32" value=e.badge_number />
                        <FieldMessage error field="badge_number" />
                        <label for="counter_id">{lang.pick("Quầy đang phục vụ", "Serving at counter")}</label>
                        <select id="counter_id" name="counter_id">
                            <option value="">{lang.pick("(Chưa phân công)", "(None)")}</option>
                            {member_counter_options}
                        </select>
                        <FieldMessage error field="counter_id" />
                        <button type="submit" class="button primary">{lang.pick("Lưu", "Save")}</button>
                    </ActionForm>
                    <ActionForm action=update attr:class="inline">
                        <input type="hidden" name="id" value=toggle_id />
                        <input type="hidden" name="active" value=(!e.active).to_string() />
                        <button type="submit" class="button">{if e.active { lang.pick("Cho nghỉ / ngừng hoạt động", "Deactivate") } else { lang.pick("Cho hoạt động trở lại", "Reactivate") }}</button>
                    </ActionForm>
                    <h2>{lang.pick("Ảnh chân dung", "Portrait photo")}</h2>
                    <FormOutcome error=photo_error saved=photo_saved />
                    <form method="post" action=photo_action enctype="multipart/form-data" class="grid-form">
                        <label for="photo">{lang.pick("Chọn ảnh (JPEG, PNG, WebP)", "Choose a photo (JPEG, PNG, WebP)")}</label>
                        <input id="photo" name="photo" type="file" accept="image/jpeg,image/png,image/webp" required />
                        <button type="submit" class="button">{lang.pick("Tải ảnh lên", "Upload photo")}</button>
                    </form>
                });
                view! {
                    <h1>{s.full_name.clone()}</h1>
                    {photo}
                    <dl class="facts">
                        <dt>{lang.pick("Chức danh", "Title")}</dt><dd>{s.title.clone()}</dd>
                        <dt>{lang.pick("Số thẻ", "Badge")}</dt><dd>{s.badge_number.clone()}</dd>
                        <dt>{lang.pick("Đơn vị", "Unit")}</dt><dd>{unit}</dd>
                        <dt>{lang.pick("Trạng thái", "Status")}</dt><dd>{if s.active { lang.pick("Đang công tác", "Active") } else { lang.pick("Ngừng hoạt động", "Deactivated") }}</dd>
                    </dl>
                    {crate::pages::findings::officer_record_link(&s.id)}
                    {edit}
                }.into_any()
            })}
        </Suspense>
    }
}
