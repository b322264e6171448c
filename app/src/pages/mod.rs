pub mod accounts;
pub mod audit;
pub mod calendar;
pub mod case_photos;
pub mod cases;
pub mod citizen;
pub mod counters;
pub mod deadlines;
pub mod discipline;
pub mod figures;
pub mod findings;
pub mod home;
pub mod import;
pub mod layout;
pub mod login;
pub mod oversight;
pub mod public;
pub mod ratings;
pub mod reception;
pub mod report;
pub mod staff;
pub mod units;

use crate::components::lang;
use leptos::prelude::*;

/// The front page: what Minh Bạch is and where to go.
#[component]
pub fn Home() -> impl IntoView {
    let lang = lang();
    view! {
        <header class="site-header">
            <a class="brand" href="/">"Minh Bạch"</a>
            <nav class="site-nav">
                <a href=format!("/lang/{}?next=/", lang.other().code()) hreflang=lang.other().code() rel="external">
                    {lang.pick("English", "Tiếng Việt")}
                </a>
            </nav>
        </header>
        <main class="narrow">
            <h1>{lang.pick("Phản ánh, đánh giá dịch vụ công", "Public service feedback")}</h1>
            <p>
                {lang.pick(
                    "Người dân quét mã QR tại quầy một cửa để đánh giá mức độ hài lòng, phản ánh và theo dõi trả lời.",
                    "Citizens scan the QR code at a one-stop counter to rate the service, report problems and follow the reply.",
                )}
            </p>
            <p>
                <a class="button" href="/login">{lang.pick("Đăng nhập cho cán bộ", "Staff sign-in")}</a>
            </p>
        </main>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    let lang = lang();
    #[cfg(feature = "ssr")]
    {
        if let Some(res) = use_context::<leptos_actix::ResponseOptions>() {
            res.set_status(actix_web::http::StatusCode::NOT_FOUND);
        }
    }
    view! {
        <main class="narrow">
            <h1>{lang.pick("Không tìm thấy trang", "Page not found")}</h1>
            <p>{lang.pick("Địa chỉ này không có trong hệ thống.", "There is no page at this address.")}</p>
            <p><a href="/">{lang.pick("Về trang chủ", "Go to the home page")}</a></p>
        </main>
    }
}
