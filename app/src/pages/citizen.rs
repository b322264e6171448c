//! The citizen's counter page, opened by the QR code at a counter: who is serving, and one tap
//! to rate. Designed for a 360 px phone; the forms are plain HTML posts, so they work on a bare
//! phone browser before (or without) the WASM bundle.

use crate::components::{lang, url_error, url_saved, FormOutcome};
use crate::fns::counter_page;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use shared::citizen::{scale_label, PublicCounter, Satisfaction, SipasCriterion};
use shared::{ErrorCode, Lang};

/// A face drawn in the page itself (no image request): the mouth says the mood, the word
/// beside it says it again, so colour is never the only cue.
fn face(mood: Satisfaction) -> AnyView {
    let mouth = match mood {
        Satisfaction::VerySatisfied => "M15 27 Q24 37 33 27",
        Satisfaction::Satisfied => "M16 29 Q24 33 32 29",
        Satisfaction::NotSatisfied => "M16 33 Q24 25 32 33",
    };
    view! {
        <svg class="face" viewBox="0 0 48 48" width="44" height="44" aria-hidden="true" focusable="false">
            <circle cx="24" cy="24" r="21" fill="none" stroke="currentColor" stroke-width="3" />
            <circle cx="17" cy="19" r="2.5" fill="currentColor" />
            <circle cx="31" cy="19" r="2.5" fill="currentColor" />
            <path d=mouth fill="none" stroke="currentColor" stroke-width="3" stroke-linecap="round" />
        </svg>
    }
    .into_any()
}

fn lang_link(lang: Lang, here: String) -> impl IntoView {
    view! {
        <a href=format!("/lang/{}?next={here}", lang.other().code()) hreflang=lang.other().code() rel="external">
            {lang.pick("English", "Tiếng Việt")}
        </a>
    }
}

/// The top of every citizen page: the unit's name, prominent.
#[component]
fn CitizenHeader(unit_name: String, here: String) -> impl IntoView {
    let lang = lang();
    view! {
        <header class="citizen-header">
            <p class="unit-name">{unit_name}</p>
            <nav class="citizen-nav">
                <span class="brand-small">"Minh Bạch"</span>
                {lang_link(lang, here)}
            </nav>
        </header>
    }
}

/// An unknown or rotated QR token: a friendly page, with a 404 status for machines.
fn unknown_counter(lang: Lang) -> AnyView {
    #[cfg(feature = "ssr")]
    {
        if let Some(res) = use_context::<leptos_actix::ResponseOptions>() {
            res.set_status(actix_web::http::StatusCode::NOT_FOUND);
        }
    }
    view! {
        <main class="citizen">
            <h1>{lang.pick("Không tìm thấy quầy", "Counter not found")}</h1>
            <p>{lang.pick(
                "Mã QR này không còn dùng được, có thể vì quầy đã đổi mã mới. Vui lòng quét mã QR đang dán tại quầy, hoặc hỏi cán bộ tại đó.",
                "This QR code no longer works, perhaps because the counter has a new one. Please scan the QR code posted at the counter, or ask the staff there.",
            )}</p>
        </main>
    }
    .into_any()
}

fn officer_choices(counter: &PublicCounter, lang: Lang) -> AnyView {
    let officers = counter.officers.clone();
    (!officers.is_empty()).then(|| {
        let items = officers
            .into_iter()
            .map(|o| {
                let id = format!("officer-{}", o.id);
                let photo = o.has_photo.then(|| {
                    view! { <img src=format!("/api/v1/staff/{}/photo?v={}", o.id, o.photo_version) alt="" width="56" height="56" loading="lazy" /> }
                });
                view! {
                    <li>
                        <input type="radio" name="staff_id" id=id.clone() value=o.id.clone() />
                        <label for=id class="officer">
                            {photo}
                            <span>
                                <strong>{o.full_name}</strong>
                                <span>{o.title}</span>
                                <span>{lang.pick("Số thẻ: ", "Badge: ")}{o.badge_number}</span>
                            </span>
                        </label>
                    </li>
                }
            })
            .collect_view();
        view! {
            <fieldset class="officers">
                <legend>{lang.pick("Cán bộ đã phục vụ bạn (không bắt buộc)", "Who served you (optional)")}</legend>
                <ul>
                    {items}
                    <li>
                        <input type="radio" name="staff_id" id="officer-none" value="" checked=true />
                        <label for="officer-none" class="officer">
                            <span>{lang.pick("Không chọn / không nhớ", "Skip / not sure")}</span>
                        </label>
                    </li>
                </ul>
            </fieldset>
        }
    })
    .into_any()
}

#[component]
pub fn CounterPage() -> impl IntoView {
    let lang = lang();
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let data = Resource::new(token, counter_page);
    let error = url_error();
    view! {
        <Suspense fallback=move || view! { <p class="loading">{lang.pick("Đang tải…", "Loading…")}</p> }>
            {move || Suspend::new(async move {
                let d = match data.await {
                    Ok(d) => d,
                    Err(e) if e.0.code == ErrorCode::NotFound => return unknown_counter(lang),
                    Err(e) => return view! {
                        <main class="citizen"><div class="notice error" role="alert"><p>{e.0.message.get(lang).to_string()}</p></div></main>
                    }.into_any(),
                };
                let c = d.counter;
                let here = format!("/q/{}", c.token);
                let action = format!("/q/{}/rate", c.token);
                let buttons = Satisfaction::ALL.into_iter().map(|s| view! {
                    <button type="submit" name="overall" value=s.as_str() class=format!("rate rate-{}", s.as_str())>
                        {face(s)}
                        <span>{s.label(lang)}</span>
                    </button>
                }).collect_view().into_any();
                view! {
                    <CitizenHeader unit_name=c.unit_name.clone() here=here />
                    <main class="citizen">
                        <h1>{lang.pick("Đánh giá mức độ hài lòng", "Rate this service")}</h1>
                        <p class="counter-name">{c.counter_name.clone()}</p>
                        <FormOutcome error saved=Signal::derive(|| false) />
                        <form method="post" action=action class="rating-form">
                            <input type="hidden" name="idempotency_key" value=d.submission_key />
                            {officer_choices(&c, lang)}
                            <fieldset class="rating-choices">
                                <legend>{lang.pick("Bạn có hài lòng với việc giải quyết thủ tục tại quầy?", "Are you satisfied with how you were served?")}</legend>
                                {buttons}
                            </fieldset>
                        </form>
                        <p><a href=format!("/report?counter={}", c.token) rel="external">{lang.pick("Phản ánh, kiến nghị về quầy này", "Report a problem at this counter")}</a>" · "<a href="/track" rel="external">{lang.pick("Tra cứu phản ánh", "Follow a report")}</a></p>
                        <p class="privacy-note">{lang.pick(
                            "Đánh giá không cần tên hay số điện thoại của bạn.",
                            "Rating needs neither your name nor your phone number.",
                        )}</p>
                    </main>
                }.into_any()
            })}
        </Suspense>
    }
}

fn sipas_question(criterion: SipasCriterion, lang: Lang) -> AnyView {
    let name = format!("sipas_{}", criterion.as_str());
    let options = (1..=5u8)
        .map(|level| {
            let id = format!("{name}-{level}");
            view! {
                <input type="radio" name=name.clone() id=id.clone() value=level.to_string() />
                <label for=id title=scale_label(level, lang)>
                    <span class="level">{level.to_string()}</span>
                    <span class="sr-only">{scale_label(level, lang)}</span>
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset class="scale">
            <legend>{criterion.label(lang)}</legend>
            <div class="scale-options">{options}</div>
            <p class="scale-ends" aria-hidden="true">
                <span>{scale_label(1, lang)}</span>
                <span>{scale_label(5, lang)}</span>
            </p>
        </fieldset>
    }
    .into_any()
}

/// After the tap: thanks, what was recorded, and the optional detail.
#[component]
pub fn RatingThanksPage() -> impl IntoView {
    let lang = lang();
    let params = use_params_map();
    let query = use_query_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let data = Resource::new(token, counter_page);
    let error = url_error();
    let saved = url_saved();
    view! {
        <Suspense fallback=move || view! { <p class="loading">{lang.pick("Đang tải…", "Loading…")}</p> }>
            {move || Suspend::new(async move {
                let c = match data.await {
                    Ok(d) => d.counter,
                    Err(_) => return unknown_counter(lang),
                };
                let id = params.read_untracked().get("id").unwrap_or_default();
                let overall = query.read_untracked().get("overall").and_then(|o| Satisfaction::parse(&o));
                let here = format!("/q/{}/thanks/{id}?overall={}", c.token, overall.map(|o| o.as_str()).unwrap_or(""));
                let action = format!("/q/{}/thanks/{id}", c.token);
                let chosen = overall.map(|o| view! {
                    <p class="chosen">{face(o)}<span>{lang.pick("Bạn đã chọn: ", "You chose: ")}<strong>{o.label(lang)}</strong></span></p>
                });
                let report_link = format!(
                    "/report?counter={}{}",
                    c.token,
                    query.read_untracked().get("staff").map(|s| format!("&staff={s}")).unwrap_or_default()
                );
                let unhappy = (overall == Some(Satisfaction::NotSatisfied)).then(|| view! {
                    <div class="notice">
                        <p>{lang.pick("Rất tiếc vì bạn chưa hài lòng. Bạn có muốn phản ánh cụ thể để đơn vị xem xét?", "We are sorry you were not satisfied. Would you like to report what happened so the unit looks into it?")}</p>
                        <p><a class="button primary" href=report_link rel="external">{lang.pick("Phản ánh sự việc", "Report what happened")}</a></p>
                    </div>
                }.into_any());
                let questions = SipasCriterion::ALL.into_iter().map(|c| sipas_question(c, lang)).collect_view().into_any();
                view! {
                    <CitizenHeader unit_name=c.unit_name.clone() here=here />
                    <main class="citizen">
                        <h1>{lang.pick("Cảm ơn bạn đã đánh giá!", "Thank you for your rating!")}</h1>
                        {chosen}
                        <p>{c.counter_name.clone()}</p>
                        {unhappy}
                        <FormOutcome error saved />
                        <details class="detail" open=move || error.get().is_some()>
                            <summary>{lang.pick("Đánh giá chi tiết hơn (không bắt buộc)", "Rate in more detail (optional)")}</summary>
                            <form method="post" action=action class="stack">
                                <input type="hidden" name="overall" value=overall.map(|o| o.as_str()).unwrap_or("") />
                                {questions}
                                <label for="comment">{lang.pick("Ý kiến của bạn", "Your comment")}</label>
                                <textarea id="comment" name="comment" rows="4" maxlength="2000"></textarea>
                                <label for="dossier_code">{lang.pick("Mã hồ sơ (nếu có)", "Dossier code (if any)")}</label>
                                <input id="dossier_code" name="dossier_code" maxlength="40" autocomplete="off" />
                                <button type="submit" class="button primary">{lang.pick("Gửi đánh giá chi tiết", "Send the detail")}</button>
                            </form>
                        </details>
                        <p><a href=format!("/q/{}", c.token)>{lang.pick("‹ Về trang của quầy", "‹ Back to the counter page")}</a></p>
                    </main>
                }.into_any()
            })}
        </Suspense>
    }
}
