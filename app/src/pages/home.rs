use crate::components::lang;
use crate::pages::layout::me;
use leptos::prelude::*;
use shared::model::Role;

#[component]
pub fn AdminHome() -> impl IntoView {
    let lang = lang();
    let me = me();
    let name = me
        .as_ref()
        .map(|m| m.account.full_name.clone())
        .unwrap_or_default();
    let unit = me
        .as_ref()
        .and_then(|m| m.unit_name.clone())
        .unwrap_or_else(|| lang.pick("Toàn quốc", "Nationwide").to_string());
    let reviews_ratings = me
        .as_ref()
        .is_some_and(|m| matches!(m.account.role, Role::Admin | Role::Head));
    view! {
        <h1>{lang.pick("Xin chào, ", "Welcome, ")}{name}</h1>
        <p>{lang.pick("Phạm vi quản lý: ", "Scope: ")}{unit}</p>
        <ul class="cards">
            <li><a href="/admin/units"><strong>{lang.pick("Đơn vị", "Units")}</strong><span>{lang.pick("Tỉnh, xã, phường, sở, trung tâm; ngày tiếp công dân", "Province, communes, wards, departments, centres; reception day")}</span></a></li>
            <li><a href="/admin/counters"><strong>{lang.pick("Quầy và mã QR", "Counters and QR codes")}</strong><span>{lang.pick("Quầy một cửa và mã QR của từng quầy", "One-stop counters and each counter's QR token")}</span></a></li>
            <li><a href="/admin/staff"><strong>{lang.pick("Cán bộ", "Staff")}</strong><span>{lang.pick("Họ tên, chức danh, số thẻ, quầy đang phục vụ", "Name, title, badge number, current counter")}</span></a></li>
            {reviews_ratings.then(|| view! {
                <li><a href="/admin/ratings"><strong>{lang.pick("Đánh giá cần xem xét", "Ratings to review")}</strong><span>{lang.pick("Đánh giá gửi dồn dập, chờ tính vào số liệu hoặc loại bỏ", "Ratings sent in a burst, to count or reject")}</span></a></li>
            })}
        </ul>
    }
}
