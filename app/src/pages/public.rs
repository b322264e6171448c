//! The public page of a unit (công khai), no login: this month's and this year's satisfaction
//! and on-time rates, reports received and resolved, the weekly reception day, and the units
//! under it ranked. Read on a phone and printed for the notice board. Every rate says how many
//! ratings it stands on and its 95% interval; under the minimum it says "chưa đủ đánh giá".
//! The figures come from the server's memory (refreshed every few minutes), never from a
//! database query per visit.

use crate::components::lang;
use crate::fns::public_figures;
use crate::format::{date_vn, datetime_vn};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use shared::calendar::Date;
use shared::figures::{number_vn, PublicFigures, PublicPeriod, Rate};
use shared::model::weekday_label;
use shared::Lang;

fn not_found(lang: Lang) -> AnyView {
    #[cfg(feature = "ssr")]
    {
        if let Some(res) = use_context::<leptos_actix::ResponseOptions>() {
            res.set_status(actix_web::http::StatusCode::NOT_FOUND);
        }
    }
    view! {
        <main class="citizen public-page">
            <h1>{lang.pick("Không tìm thấy đơn vị", "Unit not found")}</h1>
            <p>{lang.pick("Mã đơn vị không đúng hoặc đơn vị không còn hoạt động.", "The unit code is wrong or the unit is no longer active.")}</p>
        </main>
    }
    .into_any()
}

/// A rate as the public reads it: the big figure, then in words how sure it is.
fn rate_block(
    title: &'static str,
    rate: Rate,
    unit_vi: &'static str,
    unit_en: &'static str,
    lang: Lang,
) -> impl IntoView {
    let detail = match rate.interval_pct() {
        Some((lo, hi)) => format!(
            "{} {} {}. {} {}% {} {}%.",
            lang.pick("Tính trên", "From"),
            rate.n,
            lang.pick(unit_vi, unit_en),
            lang.pick("Khoảng tin cậy 95%: từ", "95% interval: from"),
            number_vn(lo),
            lang.pick("đến", "to"),
            number_vn(hi),
        ),
        None => format!(
            "{} {} {}; {} {}.",
            lang.pick("Mới có", "Only"),
            rate.n,
            lang.pick(unit_vi, unit_en),
            lang.pick("cần ít nhất", "at least"),
            rate.min_n,
        ),
    };
    let value = match rate.pct() {
        Some(p) => view! { <p class="public-value">{format!("{}%", number_vn(p))}</p> }.into_any(),
        None => view! { <p class="public-value public-too-few">{shared::figures::not_enough(lang, unit_vi, unit_en)}</p> }.into_any(),
    };
    view! {
        <div class="public-figure">
            <h3>{title}</h3>
            {value}
            <p class="public-detail">{detail}</p>
        </div>
    }
}

fn period_section(heading: String, p: &PublicPeriod, lang: Lang) -> impl IntoView {
    view! {
        <section class="public-period">
            <h2>{heading}</h2>
            <div class="public-figures">
                {rate_block(lang.pick("Tỷ lệ người dân hài lòng", "Citizens satisfied"), p.satisfaction, "đánh giá", "ratings", lang)}
                {rate_block(lang.pick("Phản ánh giải quyết đúng hạn", "Reports handled on time"), p.on_time, "thời hạn", "deadlines", lang)}
                <div class="public-figure">
                    <h3>{lang.pick("Phản ánh, kiến nghị", "Reports")}</h3>
                    <p class="public-value">{p.received}</p>
                    <p class="public-detail">{format!("{} {} {}", lang.pick("đã nhận;", "received;"), p.resolved, lang.pick("đã giải quyết", "resolved"))}</p>
                </div>
            </div>
        </section>
    }
}

fn public_view(f: PublicFigures, lang: Lang) -> AnyView {
    let month = Date::parse(&f.month.from)
        .map(|d| {
            format!(
                "{} {:02}/{}",
                lang.pick("Tháng", "Month"),
                d.month(),
                d.year()
            )
        })
        .unwrap_or_default();
    let year = Date::parse(&f.year.from)
        .map(|d| {
            format!(
                "{} {} ({} {})",
                lang.pick("Năm", "Year"),
                d.year(),
                lang.pick("đến", "to"),
                date_vn(&f.year.to)
            )
        })
        .unwrap_or_default();
    let ranking = (!f.units.is_empty()).then(|| {
        let rows = f
            .units
            .iter()
            .enumerate()
            .map(|(i, u)| {
                let rank = if u.satisfaction.enough() { (i + 1).to_string() } else { "—".to_string() };
                view! {
                    <tr>
                        <td class="num">{rank}</td>
                        <th scope="row"><a href=format!("/cong-khai/{}", u.code)>{u.name.clone()}</a></th>
                        <td class="num">{u.satisfaction.pct().map(|p| format!("{}%", number_vn(p))).unwrap_or_else(|| lang.pick("Chưa đủ đánh giá", "Not enough ratings yet").to_string())}</td>
                        <td class="num">{u.satisfaction.n}</td>
                        <td class="num">{u.on_time.short()}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <section class="public-units">
                <h2>{lang.pick("Các đơn vị trực thuộc, tháng này", "Units under it, this month")}</h2>
                <p class="public-detail">{lang.pick(
                    "Xếp theo tỷ lệ hài lòng (theo cận dưới của khoảng tin cậy 95%); đơn vị chưa đủ đánh giá không được xếp hạng.",
                    "Ranked by satisfaction (by the lower end of the 95% interval); units without enough ratings are not ranked.",
                )}</p>
                <div class="table-wrap">
                <table class="data">
                    <thead><tr>
                        <th scope="col" class="num">{lang.pick("Hạng", "Rank")}</th>
                        <th scope="col">{lang.pick("Đơn vị", "Unit")}</th>
                        <th scope="col" class="num">{lang.pick("Hài lòng", "Satisfied")}</th>
                        <th scope="col" class="num">{lang.pick("Số đánh giá", "Ratings")}</th>
                        <th scope="col" class="num">{lang.pick("Đúng hạn", "On time")}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
                </div>
            </section>
        }
    });
    view! {
        <header class="citizen-header">
            <p class="unit-name">{f.name.clone()}</p>
            <nav class="citizen-nav">
                <span class="brand-small">"Minh Bạch"</span>
                <a href=format!("/lang/{}?next=/cong-khai/{}", lang.other().code(), f.code) hreflang=lang.other().code() rel="external">
                    {lang.pick("English", "Tiếng Việt")}
                </a>
            </nav>
        </header>
        <main class="citizen public-page">
            <h1>{lang.pick("Công khai kết quả phục vụ người dân", "Public service results")}</h1>
            {period_section(month, &f.month, lang)}
            {period_section(year, &f.year, lang)}
            <section class="public-reception">
                <h2>{lang.pick("Lịch tiếp công dân", "Citizen reception")}</h2>
                <p>{format!(
                    "{} {} {}, {}.",
                    lang.pick("Thủ trưởng đơn vị tiếp công dân vào", "The head of the unit receives citizens every"),
                    weekday_label(f.reception_weekday, lang),
                    lang.pick("hằng tuần", "of the week"),
                    f.reception_hours,
                )}</p>
            </section>
            {ranking}
            <p class="public-detail">{format!(
                "{} {}. {}",
                lang.pick("Số liệu cập nhật lúc", "Figures as of"),
                datetime_vn(f.computed_at),
                lang.pick(
                    "Đánh giá bị nghi ngờ gian lận chưa được xem xét thì không được tính.",
                    "Ratings suspected of ballot stuffing are not counted until reviewed.",
                ),
            )}</p>
        </main>
    }
    .into_any()
}

#[component]
pub fn PublicUnitPage() -> impl IntoView {
    let lang = lang();
    let params = use_params_map();
    let figures = Resource::new(
        move || params.read().get("code").unwrap_or_default(),
        public_figures,
    );
    view! {
        <Suspense fallback=move || view! { <p class="loading">{lang.pick("Đang tải…", "Loading…")}</p> }>
            {move || Suspend::new(async move {
                match figures.await {
                    Ok(Some(f)) => public_view(f, lang),
                    Ok(None) => not_found(lang),
                    Err(e) => view! {
                        <main class="citizen"><div class="notice error" role="alert"><p>{e.0.message.get(lang).to_string()}</p></div></main>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
