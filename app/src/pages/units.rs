//! Units: the tree of the province, each unit's reception day and hours.

use crate::components::{lang, list_query, outcome, FieldMessage, FormOutcome, Pager};
use crate::fns::{
    get_unit, list_counters, list_staff, list_units, CreateUnit, SetUnitActive, UpdateUnit,
};
use crate::pages::layout::me;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use shared::model::{weekday_label, ListQuery, Role, Unit, UnitKind};
use shared::Lang;

/// Every unit the account can see, for the "parent unit" and "unit" pickers.
pub fn all_units_resource() -> Resource<Result<shared::model::Page<Unit>, crate::error::FnError>> {
    Resource::new(
        || (),
        |_| {
            list_units(ListQuery {
                per_page: Some(ListQuery::MAX_PER_PAGE),
                ..Default::default()
            })
        },
    )
}

/// `<option>`s for a unit picker, indented by depth so the tree shows.
pub fn unit_options(
    units: &[Unit],
    selected: Option<&str>,
    only: impl Fn(&Unit) -> bool,
) -> AnyView {
    units
        .iter()
        .filter(|u| only(u))
        .map(|u| {
            let label = format!("{}{} ({})", "— ".repeat(u.depth as usize), u.name, u.code);
            let is_sel = selected == Some(u.id.as_str());
            view! { <option value=u.id.clone() selected=is_sel>{label}</option> }
        })
        .collect_view()
        .into_any()
}

fn weekday_options(lang: Lang, selected: u8) -> impl IntoView {
    (1..=7u8)
        .map(|d| view! { <option value=d.to_string() selected=d == selected>{weekday_label(d, lang)}</option> })
        .collect_view()
}

pub fn reception_text(u: &Unit, lang: Lang) -> String {
    format!(
        "{} {}–{}",
        weekday_label(u.reception_weekday, lang),
        u.reception_start,
        u.reception_end
    )
}

/// The choice of the remote-area flag, as a select so that the form always says which.
fn remote_area_field(lang: Lang, current: bool) -> impl IntoView {
    view! {
        <label for="remote_area">{lang.pick("Vùng sâu, vùng xa, đi lại khó khăn", "Remote and difficult area")}</label>
        <select id="remote_area" name="remote_area" aria-describedby="remote_area-hint">
            <option value="false" selected=!current>{lang.pick("Không", "No")}</option>
            <option value="true" selected=current>{lang.pick("Có", "Yes")}</option>
        </select>
        <p class="hint" id="remote_area-hint">{lang.pick(
            "Khiếu nại ở vùng sâu, vùng xa được giải quyết trong 45 ngày, vụ việc phức tạp 60 ngày (Luật Khiếu nại 2011, Điều 28). Do quản trị viên cấp trên xác định.",
            "Complaints in a remote and difficult area are resolved within 45 days, 60 if complex (Law on Complaints 2011, art. 28). Set by an administrator above the unit.",
        )}</p>
    }
}

fn status_badge(active: bool, lang: Lang) -> impl IntoView {
    if active {
        view! { <span class="badge ok">{lang.pick("Đang hoạt động", "Active")}</span> }.into_any()
    } else {
        view! { <span class="badge off">{lang.pick("Ngừng hoạt động", "Deactivated")}</span> }
            .into_any()
    }
}

#[component]
pub fn UnitsPage() -> impl IntoView {
    let lang = lang();
    let is_admin = me().is_some_and(|m| m.account.role == Role::Admin);
    let query = use_query_map();
    let create = ServerAction::<CreateUnit>::new();
    let units = Resource::new(
        move || (list_query(&query.read()), create.version().get()),
        |(q, _)| list_units(q),
    );
    let all_units = all_units_resource();
    let (error, saved) = outcome(create.value());
    let q = query.read_untracked();
    let search = q.get("q").unwrap_or_default();
    let include_inactive = q.get("include_inactive").is_some();
    view! {
        <h1>{lang.pick("Đơn vị", "Units")}</h1>
        <form method="get" class="filters" role="search">
            <label for="q">{lang.pick("Tìm theo tên hoặc mã", "Search by name or code")}</label>
            <input id="q" name="q" type="search" value=search />
            <label class="check"><input type="checkbox" name="include_inactive" checked=include_inactive />{lang.pick("Gồm cả đơn vị ngừng hoạt động", "Include deactivated units")}</label>
            <button type="submit" class="button">{lang.pick("Lọc", "Filter")}</button>
        </form>
        <Suspense fallback=move || view! { <p class="loading">{lang.pick("Đang tải…", "Loading…")}</p> }>
            {move || Suspend::new(async move {
                match units.await {
                    Ok(page) => {
                        let base = {
                            let q = query.read_untracked();
                            let mut parts = vec![];
                            if let Some(s) = q.get("q") { parts.push(format!("q={s}")); }
                            if q.get("include_inactive").is_some() { parts.push("include_inactive=on".to_string()); }
                            format!("/admin/units?{}", parts.join("&"))
                        };
                        let rows = page.items.iter().map(|u| {
                            let indent = format!("padding-left: {}rem", u.depth as f32 * 1.25 + 0.5);
                            view! {
                                <tr>
                                    <td style=indent><a href=format!("/admin/units/{}", u.id)>{u.name.clone()}</a></td>
                                    <td>{u.code.clone()}</td>
                                    <td>{u.kind.label(lang)}</td>
                                    <td>{reception_text(u, lang)}</td>
                                    <td>{status_badge(u.active, lang)}</td>
                                </tr>
                            }
                        }).collect_view();
                        view! {
                            <div class="table-wrap">
                                <table>
                                    <caption class="sr-only">{lang.pick("Danh sách đơn vị", "List of units")}</caption>
                                    <thead><tr>
                                        <th scope="col">{lang.pick("Tên đơn vị", "Name")}</th>
                                        <th scope="col">{lang.pick("Mã", "Code")}</th>
                                        <th scope="col">{lang.pick("Loại", "Kind")}</th>
                                        <th scope="col">{lang.pick("Tiếp công dân", "Citizen reception")}</th>
                                        <th scope="col">{lang.pick("Trạng thái", "Status")}</th>
                                    </tr></thead>
                                    <tbody>{rows}</tbody>
                                </table>
                            </div>
                            <Pager total=page.total page=page.page per_page=page.per_page base />
                        }.into_any()
                    }
                    Err(e) => view! { <div class="notice error" role="alert"><p>{e.0.message.get(lang).to_string()}</p></div> }.into_any(),
                }
            })}
        </Suspense>
        {is_admin.then(|| view! {
            <section aria-labelledby="new-unit">
                <h2 id="new-unit">{lang.pick("Thêm đơn vị", "Add a unit")}</h2>
                <FormOutcome error saved />
                <Suspense>
                    {move || Suspend::new(async move {
                        let all = all_units.await.map(|p| p.items).unwrap_or_default();
                        view! {
                            <ActionForm action=create attr:class="grid-form">
                                <label for="parent_id">{lang.pick("Đơn vị cấp trên", "Parent unit")}</label>
                                <select id="parent_id" name="parent_id">
                                    <option value="">{lang.pick("(Không có — cấp tỉnh)", "(None — province level)")}</option>
                                    {unit_options(&all, None, |u| u.active)}
                                </select>
                                <FieldMessage error field="parent_id" />
                                <label for="kind">{lang.pick("Loại đơn vị", "Kind of unit")}</label>
                                <select id="kind" name="kind" required>
                                    {UnitKind::ALL.iter().map(|k| view! { <option value=k.as_str() selected=*k == UnitKind::Commune>{k.label(lang)}</option> }).collect_view()}
                                </select>
                                <label for="code">{lang.pick("Mã đơn vị", "Unit code")}</label>
                                <input id="code" name="code" required maxlength="32" aria-describedby="err-code" />
                                <FieldMessage error field="code" />
                                <label for="name">{lang.pick("Tên đơn vị", "Unit name")}</label>
                                <input id="name" name="name" required maxlength="200" aria-describedby="err-name" />
                                <FieldMessage error field="name" />
                                <label for="address">{lang.pick("Địa chỉ", "Address")}</label>
                                <input id="address" name="address" maxlength="300" />
                                <label for="reception_weekday">{lang.pick("Ngày tiếp công dân", "Citizen reception day")}</label>
                                <select id="reception_weekday" name="reception_weekday">{weekday_options(lang, 3)}</select>
                                <label for="reception_start">{lang.pick("Từ giờ", "From")}</label>
                                <input id="reception_start" name="reception_start" type="time" value="07:30" />
                                <FieldMessage error field="reception_start" />
                                <label for="reception_end">{lang.pick("Đến giờ", "Until")}</label>
                                <input id="reception_end" name="reception_end" type="time" value="11:30" />
                                <FieldMessage error field="reception_end" />
                                {remote_area_field(lang, false)}
                                <button type="submit" class="button primary">{lang.pick("Thêm đơn vị", "Add unit")}</button>
                            </ActionForm>
                        }
                    })}
                </Suspense>
            </section>
        })}
    }
}

#[component]
pub fn UnitPage() -> impl IntoView {
    let lang = lang();
    let is_admin = me().is_some_and(|m| m.account.role == Role::Admin);
    let own_unit = StoredValue::new(me().and_then(|m| m.account.unit_id));
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let update = ServerAction::<UpdateUnit>::new();
    let set_active = ServerAction::<SetUnitActive>::new();
    let unit = Resource::new(
        move || (id(), update.version().get(), set_active.version().get()),
        |(id, _, _)| get_unit(id),
    );
    let counters = Resource::new(id, |id| {
        list_counters(ListQuery {
            unit_id: Some(id),
            include_inactive: Some(true),
            ..Default::default()
        })
    });
    let staff = Resource::new(id, |id| {
        list_staff(ListQuery {
            unit_id: Some(id),
            ..Default::default()
        })
    });
    let all_units = all_units_resource();
    let (error, saved) = outcome(update.value());
    let (active_error, _) = outcome(set_active.value());
    view! {
        <p><a href="/admin/units">{lang.pick("‹ Danh sách đơn vị", "‹ All units")}</a></p>
        <Suspense fallback=move || view! { <p class="loading">{lang.pick("Đang tải…", "Loading…")}</p> }>
            {move || Suspend::new(async move {
                let u = match unit.await {
                    Ok(u) => u,
                    Err(e) => return view! { <div class="notice error" role="alert"><p>{e.0.message.get(lang).to_string()}</p></div> }.into_any(),
                };
                let all = all_units.await.map(|p| p.items).unwrap_or_default();
                let counters = counters.await.map(|p| p.items).unwrap_or_default();
                let staff = staff.await.map(|p| p.items).unwrap_or_default();
                let parent_name = u.parent_id.as_ref().and_then(|p| all.iter().find(|x| &x.id == p)).map(|p| p.name.clone());
                let e = u.clone();
                let (edit_id, toggle_id) = (u.id.clone(), u.id.clone());
                let movable = !u.kind.allowed_parents().is_empty();
                let allowed = u.kind.allowed_parents();
                let parent_options = unit_options(&all, u.parent_id.as_deref(), |x| x.active && x.id != u.id && allowed.contains(&x.kind));
                let weekday_opts = weekday_options(lang, u.reception_weekday);
                // A unit's own administrator does not mark it remote (a longer deadline for
                // itself): the server refuses, so the form does not offer it.
                let remote_choice = own_unit
                    .with_value(|own| own.as_deref() != Some(u.id.as_str()))
                    .then(|| remote_area_field(lang, u.remote_area));
                let edit = is_admin.then(move || {
                    view! {
                        <h2>{lang.pick("Sửa thông tin", "Edit")}</h2>
                        <FormOutcome error saved />
                        <ActionForm action=update attr:class="grid-form">
                            <input type="hidden" name="id" value=edit_id />
                            {movable.then(|| view! {
                                <label for="parent_id">{lang.pick("Đơn vị cấp trên", "Parent unit")}</label>
                                <select id="parent_id" name="parent_id">
                                    {parent_options}
                                </select>
                                <FieldMessage error field="parent_id" />
                            })}
                            <label for="code">{lang.pick("Mã đơn vị", "Unit code")}</label>
                            <input id="code" name="code" required maxlength="32" value=e.code />
                            <FieldMessage error field="code" />
                            <label for="name">{lang.pick("Tên đơn vị", "Unit name")}</label>
                            <input id="name" name="name" required maxlength="200" value=e.name />
                            <FieldMessage error field="name" />
                            <label for="address">{lang.pick("Địa chỉ", "Address")}</label>
                            <input id="address" name="address" maxlength="300" value=e.address />
                            <label for="reception_weekday">{lang.pick("Ngày tiếp công dân", "Citizen reception day")}</label>
                            <select id="reception_weekday" name="reception_weekday">{weekday_opts}</select>
                            <label for="reception_start">{lang.pick("Từ giờ", "From")}</label>
                            <input id="reception_start" name="reception_start" type="time" value=e.reception_start />
                            <FieldMessage error field="reception_start" />
                            <label for="reception_end">{lang.pick("Đến giờ", "Until")}</label>
                            <input id="reception_end" name="reception_end" type="time" value=e.reception_end />
                            <FieldMessage error field="reception_end" />
                            {remote_choice}
                            <button type="submit" class="button primary">{lang.pick("Lưu", "Save")}</button>
                        </ActionForm>
                        <FormOutcome error=active_error saved=Signal::derive(|| false) />
                        <ActionForm action=set_active attr:class="inline">
                            <input type="hidden" name="id" value=toggle_id />
                            <input type="hidden" name="active" value=(!e.active).to_string() />
                            <button type="submit" class="button">{if e.active { lang.pick("Ngừng hoạt động đơn vị này", "Deactivate this unit") } else { lang.pick("Cho hoạt động trở lại", "Reactivate") }}</button>
                        </ActionForm>
                    }
                });
                view! {
                    <h1>{u.name.clone()}</h1>
                    <dl class="facts">
                        <dt>{lang.pick("Mã", "Code")}</dt><dd>{u.code.clone()}</dd>
                        <dt>{lang.pick("Loại", "Kind")}</dt><dd>{u.kind.label(lang)}</dd>
                        <dt>{lang.pick("Cấp trên", "Parent")}</dt><dd>{parent_name.unwrap_or_else(|| "—".into())}</dd>
                        <dt>{lang.pick("Tiếp công dân", "Citizen reception")}</dt><dd>{reception_text(&u, lang)}</dd>
                        <dt>{lang.pick("Vùng sâu, vùng xa", "Remote area")}</dt><dd>{if u.remote_area { lang.pick("Có: khiếu nại giải quyết trong 45 ngày, phức tạp 60 ngày", "Yes: complaints resolved within 45 days, 60 if complex") } else { lang.pick("Không", "No") }}</dd>
                        <dt>{lang.pick("Trạng thái", "Status")}</dt><dd>{status_badge(u.active, lang)}</dd>
                    </dl>
                    <h2>{lang.pick("Quầy", "Counters")}</h2>
                    <ul class="plain">
                        {counters.into_iter().map(|c| view! { <li>{c.name}" "{status_badge(c.active, lang)}</li> }).collect_view()}
                    </ul>
                    <p>
                        <a href=format!("/admin/counters?unit_id={}", u.id)>{lang.pick("Quản lý quầy của đơn vị", "Manage this unit's counters")}</a>
                        " · "
                        <a href=format!("/admin/units/{}/qr-sheet", u.id) rel="external" target="_blank">{lang.pick("In mã QR của tất cả các quầy", "Print the QR codes of every counter")}</a>
                    </p>
                    <h2>{lang.pick("Cán bộ", "Staff")}</h2>
                    <ul class="plain">
                        {staff.into_iter().map(|s| view! { <li><a href=format!("/admin/staff/{}", s.id)>{s.full_name}</a>" · "{s.title}" · "{s.badge_number}</li> }).collect_view()}
                    </ul>
                    {edit}
                }.into_any()
            })}
        </Suspense>
    }
}
