//! The frame of every staff page: who is signed in, the menu, the language switch, sign-out.

use crate::components::lang;
use crate::fns::current_user;
use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect};
use leptos_router::hooks::use_location;
use shared::model::{Me, Role};

#[component]
pub fn AdminLayout() -> impl IntoView {
    let lang = lang();
    let me = Resource::new(|| (), |_| current_user());
    let location = use_location();
    view! {
        <Suspense fallback=move || view! { <p class="loading">{lang.pick("Đang tải…", "Loading…")}</p> }>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(me)) => {
                        provide_context(me.clone());
                        view! {
                            <StaffHeader me=me.clone() />
                            <main id="main" class="wide">
                                <Outlet />
                            </main>
                        }
                            .into_any()
                    }
                    Ok(None) => {
                        let here = location.pathname.get_untracked();
                        view! { <Redirect path=format!("/login?next={here}") /> }.into_any()
                    }
                    Err(e) => view! {
                        <main class="narrow">
                            <div class="notice error" role="alert"><p>{e.0.message.get(lang).to_string()}</p></div>
                        </main>
                    }
                        .into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn StaffHeader(me: Me) -> impl IntoView {
    let lang = lang();
    let location = use_location();
    let here = location.pathname.get_untracked();
    let is_admin = me.account.role == Role::Admin;
    let reviews_ratings = matches!(me.account.role, Role::Admin | Role::Head);
    let handles_cases = matches!(
        me.account.role,
        Role::Head | Role::Committee | Role::Officer
    );
    view! {
        <a class="skip" href="#main">{lang.pick("Bỏ qua menu", "Skip to content")}</a>
        <header class="site-header">
            <a class="brand" href="/admin">"Minh Bạch"</a>
            <nav class="site-nav" aria-label=lang.pick("Menu chính", "Main menu")>
                {handles_cases.then(|| view! {
                    <a href="/admin/cases">{lang.pick("Hộp thư phản ánh", "Case inbox")}</a>
                })}
                {(me.account.role == Role::Head).then(|| view! {
                    <a href="/admin/reception">{lang.pick("Tiếp công dân", "Citizen reception")}</a>
                })}
                {(me.account.role != Role::Officer).then(|| view! {
                    <a href="/admin/figures">{lang.pick("Thống kê", "Figures")}</a>
                })}
                <a href="/admin/units">{lang.pick("Đơn vị", "Units")}</a>
                <a href="/admin/counters">{lang.pick("Quầy", "Counters")}</a>
                <a href="/admin/staff">{lang.pick("Cán bộ", "Staff")}</a>
                {reviews_ratings.then(|| view! {
                    <a href="/admin/ratings">{lang.pick("Đánh giá cần xem xét", "Ratings to review")}</a>
                })}
                <a href="/admin/calendar">{lang.pick("Lịch ngày nghỉ", "Calendar")}</a>
                <a href="/admin/deadlines">{lang.pick("Thời hạn giải quyết", "Deadlines")}</a>
                {matches!(me.account.role, Role::Admin | Role::Committee).then(|| view! {
                    <a href="/admin/discipline">{lang.pick("Hình thức kỷ luật", "Discipline measures")}</a>
                })}
                {(me.account.role == Role::Committee).then(|| view! {
                    <a href="/admin/oversight">{lang.pick("Không gian ủy ban", "Committee workspace")}</a>
                    <a href="/admin/audit">{lang.pick("Nhật ký kiểm toán", "Audit log")}</a>
                })}
                {is_admin.then(|| view! {
                    <a href="/admin/accounts">{lang.pick("Tài khoản", "Accounts")}</a>
                    <a href="/admin/import">{lang.pick("Nhập CSV", "CSV import")}</a>
                })}
            </nav>
            <div class="who">
                <span class="who-name">{me.account.full_name.clone()}</span>
                <span class="who-role">
                    {me.account.role.label(lang)}
                    {me.unit_name.clone().map(|u| format!(" · {u}"))}
                </span>
                // rel="external": a full page load, so the router does not look for a /lang page.
                <a href=format!("/lang/{}?next={here}", lang.other().code()) hreflang=lang.other().code() rel="external">
                    {lang.pick("English", "Tiếng Việt")}
                </a>
                <form method="post" action="/logout" class="inline">
                    <button type="submit" class="link">{lang.pick("Đăng xuất", "Sign out")}</button>
                </form>
            </div>
        </header>
    }
}

/// The signed-in account, provided by the layout.
pub fn me() -> Option<Me> {
    use_context::<Me>()
}
