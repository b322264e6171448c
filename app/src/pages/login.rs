//! Staff sign-in: a plain HTML form posted to `/login`, which sets the HttpOnly session cookie.

use crate::components::lang;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use shared::ErrorCode;

#[component]
pub fn LoginPage() -> impl IntoView {
    let lang = lang();
    let query = use_query_map();
    let next = query
        .read_untracked()
        .get("next")
        .filter(|n| n.starts_with('/') && !n.starts_with("//"))
        .unwrap_or_else(|| "/admin".into());
    let error = query.read_untracked().get("error").map(|code| {
        let code = match code.as_str() {
            "invalid_credentials" => ErrorCode::InvalidCredentials,
            "account_disabled" => ErrorCode::AccountDisabled,
            "rate_limited" => ErrorCode::RateLimited,
            "validation_failed" => ErrorCode::ValidationFailed,
            "token_expired" => ErrorCode::TokenExpired,
            "csrf_rejected" => ErrorCode::CsrfRejected,
            _ => ErrorCode::Internal,
        };
        code.default_message().get(lang).to_string()
    });
    let signed_out = query.read_untracked().get("bye").is_some();
    view! {
        <header class="site-header">
            <a class="brand" href="/">"Minh Bạch"</a>
            <nav class="site-nav">
                <a href=format!("/lang/{}?next=/login", lang.other().code()) hreflang=lang.other().code() rel="external">
                    {lang.pick("English", "Tiếng Việt")}
                </a>
            </nav>
        </header>
        <main class="narrow">
            <h1>{lang.pick("Đăng nhập", "Sign in")}</h1>
            {error.map(|e| view! { <div class="notice error" role="alert"><p>{e}</p></div> })}
            {signed_out.then(|| view! { <div class="notice ok" role="status"><p>{lang.pick("Bạn đã đăng xuất.", "You have signed out.")}</p></div> })}
            <form method="post" action="/login" class="stack">
                <input type="hidden" name="next" value=next />
                <label for="username">{lang.pick("Tên đăng nhập", "Username")}</label>
                <input id="username" name="username" autocomplete="username" required maxlength="64" autocapitalize="none" />
                <label for="password">{lang.pick("Mật khẩu", "Password")}</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="128" />
                <button type="submit" class="button primary">{lang.pick("Đăng nhập", "Sign in")}</button>
            </form>
        </main>
    }
}
