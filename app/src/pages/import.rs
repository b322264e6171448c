//! CSV import of a province's units and staff: plain multipart forms handled by the server.

use crate::components::{lang, url_error, url_saved, FormOutcome};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ImportPage() -> impl IntoView {
    let lang = lang();
    let error = url_error();
    let saved = url_saved();
    let query = use_query_map();
    let summary = move || {
        let q = query.read();
        let n = |k: &str| q.get(k).and_then(|v| v.parse::<u32>().ok()).unwrap_or(0);
        (q.get("ok").is_some()).then(|| {
            format!(
                "{} {} {}, {} {}, {} {}.",
                lang.pick("Đã nhập", "Imported"),
                n("units"),
                lang.pick("đơn vị", "units"),
                n("staff"),
                lang.pick("cán bộ", "staff"),
                n("counters"),
                lang.pick("quầy mới", "new counters")
            )
        })
    };
    view! {
        <h1>{lang.pick("Nhập dữ liệu từ tệp CSV", "Import from CSV files")}</h1>
        <p>{lang.pick(
            "Tệp CSV mã hóa UTF-8 (Excel: \"CSV UTF-8\"). Nếu có dòng lỗi, hệ thống báo từng dòng và không nhập dòng nào.",
            "UTF-8 CSV files (Excel: \"CSV UTF-8\"). If any row is bad, every bad row is listed and nothing is imported.",
        )}</p>
        <FormOutcome error saved />
        {move || summary().map(|s| view! { <p class="notice ok" role="status">{s}</p> })}
        <section aria-labelledby="import-units">
            <h2 id="import-units">{lang.pick("Đơn vị", "Units")}</h2>
            <p>{lang.pick("Cột:", "Columns:")}" "<code>"code,name,kind,parent_code,address,reception_weekday,reception_start,reception_end"</code></p>
            <p class="hint">{lang.pick(
                "kind: tỉnh, xã, phường, đặc khu, sở, trung tâm. parent_code: mã đơn vị cấp trên (đã có, hoặc ở dòng phía trên). reception_weekday: 1 = Thứ Hai … 7 = Chủ nhật.",
                "kind: province, commune, ward, special_zone, department, service_centre. parent_code: the parent's code (existing, or on an earlier line). reception_weekday: 1 = Monday … 7 = Sunday.",
            )}</p>
            <form method="post" action="/admin/import/units" enctype="multipart/form-data" class="grid-form">
                <label for="units-file">{lang.pick("Tệp đơn vị (.csv)", "Units file (.csv)")}</label>
                <input id="units-file" name="file" type="file" accept=".csv,text/csv" required />
                <button type="submit" class="button primary">{lang.pick("Nhập đơn vị", "Import units")}</button>
            </form>
        </section>
        <section aria-labelledby="import-staff">
            <h2 id="import-staff">{lang.pick("Cán bộ", "Staff")}</h2>
            <p>{lang.pick("Cột:", "Columns:")}" "<code>"unit_code,full_name,title,badge_number,counter_name"</code></p>
            <p class="hint">{lang.pick(
                "counter_name: tên quầy đang phục vụ (có thể để trống); quầy chưa có sẽ được tạo.",
                "counter_name: the counter served (may be empty); missing counters are created.",
            )}</p>
            <form method="post" action="/admin/import/staff" enctype="multipart/form-data" class="grid-form">
                <label for="staff-file">{lang.pick("Tệp cán bộ (.csv)", "Staff file (.csv)")}</label>
                <input id="staff-file" name="file" type="file" accept=".csv,text/csv" required />
                <button type="submit" class="button primary">{lang.pick("Nhập cán bộ", "Import staff")}</button>
            </form>
        </section>
    }
}
