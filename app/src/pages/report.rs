//! Reporting a problem (phản ánh, kiến nghị, khiếu nại, tố cáo) and following it. The report
//! form is a plain multipart HTML form: it works on a bare phone browser. The receipt and the
//! tracking result are answers to a POST, rendered once on the server and never put in a URL,
//! because they carry the secret of an anonymous report.

use crate::components::lang;
use crate::fns::counter_page;
use crate::format::datetime_vn;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use shared::citizen::PublicCounter;
use shared::report::{ReportCategory, ReportKind, ReportReceipt, ReportView, MAX_PHOTOS};
use shared::{ApiError, Lang};

fn kind_choices(lang: Lang) -> AnyView {
    ReportKind::ALL
        .iter()
        .map(|k| {
            let id = format!("kind-{}", k.as_str());
            view! {
                <li>
                    <input type="radio" name="kind" id=id.clone() value=k.as_str() checked=*k == ReportKind::Feedback required=true />
                    <label for=id class="choice">{k.label(lang)}</label>
                </li>
            }
        })
        .collect_view()
        .into_any()
}

fn officer_options(
    counter: Option<&PublicCounter>,
    selected: Option<String>,
    lang: Lang,
) -> AnyView {
    let officers = counter.map(|c| c.officers.clone()).unwrap_or_default();
    view! {
        <option value="">{lang.pick("(Không rõ / không chọn)", "(Unknown / none)")}</option>
        {officers.into_iter().map(|o| {
            let is_sel = selected.as_deref() == Some(o.id.as_str());
            view! { <option value=o.id.clone() selected=is_sel>{format!("{} — {} ({})", o.full_name, o.title, o.badge_number)}</option> }
        }).collect_view()}
    }
    .into_any()
}

/// Anonymous or named (with consent), and the request to meet the head: the form's second half.
fn identity_fields(lang: Lang) -> AnyView {
    view! {
                            <fieldset class="choices">
                                <legend>{lang.pick("Danh tính của bạn", "Your identity")}</legend>
                                <ul>
                                    <li>
                                        <input type="radio" name="identity" id="identity-anonymous" value="anonymous" checked=true />
                                        <label for="identity-anonymous" class="choice">{lang.pick("Gửi ẩn danh (không cần tên, số điện thoại)", "Anonymous (no name, no phone)")}</label>
                                    </li>
                                    <li>
                                        <input type="radio" name="identity" id="identity-named" value="named" />
                                        <label for="identity-named" class="choice">{lang.pick("Gửi có tên (để nhận tin nhắn khi có trả lời)", "With my name (to get a message when answered)")}</label>
                                    </li>
                                </ul>
                            </fieldset>
                            <div class="identity-fields">
                                <p class="hint">{lang.pick("Chỉ điền khi gửi có tên. Thông tin được mã hóa và chỉ dùng để xử lý phản ánh.", "Only when sending with your name. It is encrypted and used only to handle the report.")}</p>
                                <label for="full_name">{lang.pick("Họ và tên", "Full name")}</label>
                                <input id="full_name" name="full_name" maxlength="120" autocomplete="name" />
                                <label for="phone">{lang.pick("Số điện thoại", "Phone number")}</label>
                                <input id="phone" name="phone" type="tel" maxlength="20" autocomplete="tel" />
                                <label for="email">{lang.pick("Thư điện tử (không bắt buộc)", "E-mail (optional)")}</label>
                                <input id="email" name="email" type="email" maxlength="200" autocomplete="email" />
                                <label class="check"><input type="checkbox" name="consent" value="yes" />{lang.pick(
                                    "Tôi đồng ý cho cơ quan xử lý thông tin cá nhân này để giải quyết phản ánh.",
                                    "I agree that these personal details are processed to handle my report.",
                                )}</label>
                            </div>
                            <label class="check"><input type="checkbox" name="wants_meeting" value="yes" />{lang.pick(
                                "Tôi muốn gặp thủ trưởng đơn vị vào ngày tiếp công dân gần nhất.",
                                "I want to meet the head of the unit at the next citizen-reception day.",
                            )}</label>
    }
    .into_any()
}

/// Where the enhanced form's sending stands (the plain form post has no such states: the
/// browser shows its own progress and the server answers with a page).
#[derive(Debug, Clone, PartialEq)]
pub enum SendState {
    Idle,
    Preparing,
    /// Shrinking photo i of n.
    Shrinking(usize, usize),
    /// Percentage uploaded.
    Uploading(u32),
    /// Offline: the draft is saved on the phone and goes when the connection returns.
    Waiting,
    /// The server is busy: the draft is saved and sent again shortly.
    Retrying(ApiError),
    /// The report itself was refused; the form still holds what the citizen typed.
    Refused(ApiError),
}

impl SendState {
    fn busy(&self) -> bool {
        matches!(
            self,
            SendState::Preparing | SendState::Shrinking(..) | SendState::Uploading(_)
        )
    }
}

fn send_status(state: SendState, lang: Lang) -> AnyView {
    match state {
        SendState::Idle => ().into_any(),
        SendState::Preparing => view! { <p>{lang.pick("Đang chuẩn bị…", "Preparing…")}</p> }.into_any(),
        SendState::Shrinking(i, n) => view! {
            <p>{format!("{} {i}/{n}…", lang.pick("Đang thu nhỏ ảnh", "Shrinking photo"))}</p>
        }
        .into_any(),
        SendState::Uploading(p) => view! {
            <label for="upload-progress">{format!("{} {p}%", lang.pick("Đang gửi", "Sending"))}</label>
            <progress id="upload-progress" max="100" value=p.to_string()>{format!("{p}%")}</progress>
        }
        .into_any(),
        SendState::Waiting => view! {
            <div class="notice" role="status" id="draft-saved">
                <p><strong>{lang.pick("Chưa có kết nối mạng.", "No connection.")}</strong></p>
                <p>{lang.pick(
                    "Phản ánh của bạn, cả ảnh, đã được lưu trên điện thoại này và sẽ tự gửi khi có mạng trở lại. Hãy giữ trang này hoặc mở lại sau.",
                    "Your report, photos included, is saved on this phone and will be sent by itself when the connection returns. Keep this page or open it again later.",
                )}</p>
            </div>
        }
        .into_any(),
        SendState::Retrying(e) => view! {
            <div class="notice" role="status">
                <p>{e.message.get(lang).to_string()}</p>
                <p>{lang.pick(
                    "Phản ánh đã được lưu trên điện thoại này; hệ thống sẽ thử gửi lại sau 30 giây.",
                    "Your report is saved on this phone; it will be sent again in 30 seconds.",
                )}</p>
            </div>
        }
        .into_any(),
        SendState::Refused(e) => view! {
            <div class="notice error" role="alert">
                <p>{e.message.get(lang).to_string()}</p>
                <ul>{e.fields.iter().map(|f| view! { <li>{f.message.get(lang).to_string()}</li> }).collect_view()}</ul>
            </div>
        }
        .into_any(),
    }
}

/// The report form, opened from a counter page ("Không hài lòng" → report) or its QR code.
#[component]
pub fn ReportPage() -> impl IntoView {
    let lang = lang();
    let query = use_query_map();
    let token = query.read_untracked().get("counter").unwrap_or_default();
    let staff = query.read_untracked().get("staff");
    let state = RwSignal::new(SendState::Idle);
    let receipts = RwSignal::new(Vec::<ReportReceipt>::new());
    // Drafts saved while offline (on this visit or an earlier one) go as soon as they can.
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        {
            use crate::report_client::send_saved_drafts;
            leptos::task::spawn_local(send_saved_drafts(state, receipts));
            let online = window_event_listener(leptos::ev::online, move |_| {
                leptos::task::spawn_local(send_saved_drafts(state, receipts));
            });
            on_cleanup(move || online.remove());
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            if let Some(form) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
            {
                ev.prevent_default();
                if !state.with_untracked(SendState::busy) {
                    leptos::task::spawn_local(crate::report_client::send_form(
                        form, state, receipts,
                    ));
                }
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    let data = Resource::new(
        move || token.clone(),
        |t| async move {
            if t.is_empty() {
                None
            } else {
                counter_page(t).await.ok()
            }
        },
    );
    view! {
        <Suspense fallback=move || view! { <p class="loading">{lang.pick("Đang tải…", "Loading…")}</p> }>
            {move || {
                let staff = staff.clone();
                Suspend::new(async move {
                let Some(d) = data.await else {
                    return view! {
                        <main class="citizen">
                            <h1>{lang.pick("Phản ánh, kiến nghị", "Report a problem")}</h1>
                            <p>{lang.pick(
                                "Vui lòng quét mã QR dán tại quầy nơi bạn làm thủ tục, rồi chọn \"Phản ánh\".",
                                "Please scan the QR code at the counter where you were served, then choose \"Report a problem\".",
                            )}</p>
                        </main>
                    }.into_any();
                };
                let c = d.counter;
                let categories = ReportCategory::ALL.iter().map(|k| view! { <option value=k.as_str()>{k.label(lang)}</option> }).collect_view();
                view! {
                    <header class="citizen-header">
                        <p class="unit-name">{c.unit_name.clone()}</p>
                        <nav class="citizen-nav"><span class="brand-small">"Minh Bạch"</span></nav>
                    </header>
                    <main class="citizen">
                        {move || receipts.get().into_iter().map(|r| view! { <ReceiptCard receipt=r lang actions=true /> }).collect_view()}
                        // Hidden, not removed, once sent: the receipt replaces it on screen.
                        <div class="report-compose" hidden=move || !receipts.with(Vec::is_empty)>
                        <h1>{lang.pick("Phản ánh, kiến nghị", "Report a problem")}</h1>
                        <p class="counter-name">{c.counter_name.clone()}</p>
                        <form method="post" action="/report" enctype="multipart/form-data" class="stack report-form" on:submit=on_submit>
                            <input type="hidden" name="counter_token" value=c.token.clone() />
                            <input type="hidden" name="idempotency_key" value=d.submission_key />
                            <fieldset class="choices">
                                <legend>{lang.pick("Bạn muốn gửi", "You want to send")}</legend>
                                <ul>{kind_choices(lang)}</ul>
                            </fieldset>
                            <label for="category">{lang.pick("Vấn đề", "What happened")}</label>
                            <select id="category" name="category" required>{categories}</select>
                            <label for="staff_id">{lang.pick("Cán bộ liên quan (nếu biết)", "The officer concerned (if known)")}</label>
                            <select id="staff_id" name="staff_id">{officer_options(Some(&c), staff, lang)}</select>
                            <label class="check"><input type="checkbox" name="about_head" value="yes" />{lang.pick(
                                "Phản ánh về lãnh đạo đơn vị (chủ tịch, phó chủ tịch). Lãnh đạo và cán bộ của đơn vị sẽ không xem được; phản ánh được chuyển đến ủy ban kiểm tra và cấp trên.",
                                "About the unit's leaders (chair, vice-chair). The unit's leaders and officers will not see it; it goes to the inspection committee and the superior unit.",
                            )}</label>
                            <label for="occurred_at">{lang.pick("Thời gian xảy ra (nếu nhớ)", "When it happened (if you remember)")}</label>
                            <input id="occurred_at" name="occurred_at" type="datetime-local" />
                            <label for="description">{lang.pick("Nội dung sự việc", "What happened, in your words")}</label>
                            <textarea id="description" name="description" rows="6" minlength="10" maxlength="5000" required></textarea>
                            <label for="photos">{lang.pick("Ảnh (tối đa 5 ảnh)", "Photos (at most 5)")}</label>
                            <input id="photos" name="photos" type="file" accept="image/jpeg,image/png,image/webp,image/heic" multiple=true data-max=MAX_PHOTOS.to_string() />
                            {identity_fields(lang)}
                            <div class="send-status" aria-live="polite">{move || send_status(state.get(), lang)}</div>
                            <button type="submit" class="button primary" disabled=move || state.with(SendState::busy)>{lang.pick("Gửi phản ánh", "Send the report")}</button>
                        </form>
                        </div>
                    </main>
                }.into_any()
            })}}
        </Suspense>
    }
}

/// The page after a report is stored: the tracking code and, for an anonymous report, the
/// secret, shown this once.
#[component]
pub fn ReceiptView(receipt: ReportReceipt, lang: Lang) -> impl IntoView {
    view! {
        <main class="citizen">
            <ReceiptCard receipt lang actions=false />
        </main>
    }
}

/// The receipt itself; `actions` adds "copy" and "save as image" (they need the WASM app).
#[component]
pub fn ReceiptCard(receipt: ReportReceipt, lang: Lang, actions: bool) -> impl IntoView {
    let secret = receipt.secret.clone();
    let for_actions = receipt.clone();
    view! {
        <section class="receipt-page">
            <h1>{lang.pick("Đã tiếp nhận phản ánh của bạn", "Your report has been received")}</h1>
            <p>{lang.pick("Thời gian tiếp nhận: ", "Received at: ")}{datetime_vn(receipt.created_at)}</p>
            <div class="receipt" id="receipt">
                <p class="receipt-label">{lang.pick("Mã tra cứu", "Tracking code")}</p>
                <p class="receipt-code" id="tracking-code">{receipt.tracking_code.clone()}</p>
                {secret.map(|s| view! {
                    <p class="receipt-label">{lang.pick("Mã bí mật (chỉ bạn giữ)", "Secret (only you hold it)")}</p>
                    <p class="receipt-code" id="secret">{s}</p>
                })}
            </div>
            {actions.then(|| view! { <ReceiptActions receipt=for_actions lang /> })}
            <div class="notice error" role="alert">
                <p><strong>{lang.pick("Hãy lưu lại ngay.", "Save these now.")}</strong></p>
                <p>{lang.pick(
                    "Mã chỉ hiện một lần. Hãy chép lại, chụp màn hình hoặc lưu thành ảnh. Không ai, kể cả cơ quan, có thể xem lại mã bí mật cho bạn.",
                    "They are shown only this once. Copy them, take a screenshot or save them as an image. No one, not even the office, can show you the secret again.",
                )}</p>
            </div>
            <p>{lang.pick("Ảnh đã gửi: ", "Photos sent: ")}{receipt.photos.to_string()}</p>
            <p><a class="button" href="/track" rel="external">{lang.pick("Tra cứu phản ánh", "Follow a report")}</a></p>
        </section>
    }
}

/// "Copy" and "Save as image" for a receipt shown by the WASM app.
#[component]
fn ReceiptActions(receipt: ReportReceipt, lang: Lang) -> impl IntoView {
    let copied = RwSignal::new(false);
    let (to_copy, to_draw) = (receipt.clone(), receipt);
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        crate::report_client::copy_receipt(&to_copy, lang);
        #[cfg(not(feature = "hydrate"))]
        let _ = &to_copy;
        copied.set(true);
    };
    let save = move |_| {
        #[cfg(feature = "hydrate")]
        let _ = crate::report_client::save_receipt_image(&to_draw, lang);
        #[cfg(not(feature = "hydrate"))]
        let _ = &to_draw;
    };
    view! {
        <p class="receipt-actions">
            <button type="button" class="button" on:click=copy>
                {move || if copied.get() { lang.pick("Đã chép", "Copied") } else { lang.pick("Chép mã", "Copy the codes") }}
            </button>
            " "
            <button type="button" class="button" id="save-receipt-image" on:click=save>{lang.pick("Lưu thành ảnh", "Save as image")}</button>
        </p>
    }
}

/// A timeline entry in the citizen's words. The entries the citizen wrote say "you"; the
/// handling side's say what was done, by which role.
fn event_label(e: &shared::report::PublicEvent, lang: Lang) -> &'static str {
    use shared::workflow::ActionKind as K;
    match e.kind.as_str() {
        "received" => return lang.pick("Đã gửi phản ánh", "Report sent"),
        "acknowledged" => return lang.pick("Hệ thống đã tiếp nhận", "Received by the system"),
        "meeting_requested" => {
            return lang.pick(
                "Đề nghị gặp thủ trưởng đơn vị",
                "Asked to meet the head of the unit",
            )
        }
        _ => {}
    }
    match K::parse(&e.kind) {
        Some(K::FirstOpen) => lang.pick("Đơn vị đã mở xem phản ánh", "Opened by the unit"),
        Some(K::CitizenAddInfo) => lang.pick("Bạn đã bổ sung thông tin", "You added information"),
        Some(K::CitizenFeedback) if e.to_status.as_deref() == Some("closed") => lang.pick(
            "Bạn hài lòng với câu trả lời",
            "You were satisfied with the answer",
        ),
        Some(K::CitizenFeedback) => lang.pick(
            "Bạn chưa hài lòng với câu trả lời",
            "You were not satisfied with the answer",
        ),
        Some(K::Reopen) => lang.pick("Bạn đã yêu cầu mở lại", "You asked to reopen it"),
        Some(K::Appeal) => lang.pick(
            "Bạn đã khiếu nại, kiến nghị lên cấp trên",
            "You appealed to the superior unit",
        ),
        Some(K::Withdraw) => lang.pick("Bạn đã rút đơn", "You withdrew the report"),
        Some(k) => k.label(lang),
        None => lang.pick("Cập nhật", "Update"),
    }
}

/// The role that acted, never the person; `None` for the citizen's own entries.
fn role_label(role: &str, lang: Lang) -> Option<&'static str> {
    Some(match role {
        "citizen" => return None,
        "head" => lang.pick("thủ trưởng đơn vị", "head of unit"),
        "committee" => lang.pick("ủy ban kiểm tra", "inspection committee"),
        "assigned_officer" | "officer" => lang.pick("cán bộ được giao", "assigned officer"),
        _ => lang.pick("hệ thống", "the system"),
    })
}

/// The status in the citizen's words, from the one state machine in `shared`.
pub fn status_label(status: &str, lang: Lang) -> &'static str {
    shared::workflow::ReportStatus::parse(status)
        .map(|s| s.label(lang))
        .unwrap_or_else(|| lang.pick("Đang xử lý", "In progress"))
}

/// What a tracking code shows: status, timeline, public replies; and a form to add text or
/// photos. `addition_key` is the new addition's idempotency key; `added` thanks the citizen
/// for the one just stored.
#[component]
pub fn TrackingView(
    view_data: ReportView,
    lang: Lang,
    addition_key: String,
    added: bool,
) -> impl IntoView {
    let v = view_data;
    let access = v.access.clone();
    let allowed = v.citizen_actions.clone();
    let can = move |a: shared::workflow::ActionKind| allowed.contains(&a);
    let timeline = v
        .timeline
        .iter()
        .map(|e| {
            let by = e
                .by_role
                .as_deref()
                .and_then(|r| role_label(r, lang))
                .map(|r| format!(" ({r})"));
            let reason = e.reason.clone().map(|r| {
                view! { <p>{lang.pick("Lý do: ", "Reason: ")}{r}</p> }
            });
            view! {
                <li>
                    <time>{datetime_vn(e.at)}</time>
                    " · "<strong>{event_label(e, lang)}</strong>{by}
                    {(!e.text.is_empty()).then(|| view! { <p>{e.text.clone()}</p> })}
                    {reason}
                </li>
            }
        })
        .collect_view();
    view! {
        <main class="citizen">
            <h1>{lang.pick("Phản ánh ", "Report ")}{v.tracking_code.clone()}</h1>
            {added.then(|| view! {
                <div class="notice" role="status" id="addition-saved">
                    <p>{lang.pick("Đã lưu thông tin bạn bổ sung.", "What you added has been saved.")}</p>
                </div>
            })}
            <dl class="facts">
                <dt>{lang.pick("Trạng thái", "Status")}</dt><dd><strong>{status_label(&v.status, lang)}</strong></dd>
                {v.meeting.clone().map(|m| view! {
                    <dt>{lang.pick("Lịch gặp thủ trưởng", "Meeting the head")}</dt>
                    <dd id="meeting-slot">{m.describe(lang)}</dd>
                })}
                {v.deadline.clone().map(|d| view! {
                    <dt>{d.stage.label(lang)}</dt>
                    <dd class:overdue=d.is_overdue()>{d.describe(lang)}</dd>
                })}
                <dt>{lang.pick("Đơn vị", "Unit")}</dt><dd>{v.unit_name.clone()}</dd>
                {v.counter_name.clone().map(|c| view! { <dt>{lang.pick("Quầy", "Counter")}</dt><dd>{c}</dd> })}
                <dt>{lang.pick("Loại", "Kind")}</dt><dd>{v.kind.label(lang)}</dd>
                <dt>{lang.pick("Vấn đề", "Category")}</dt><dd>{v.category.label(lang)}</dd>
                <dt>{lang.pick("Gửi lúc", "Sent")}</dt><dd>{datetime_vn(v.created_at)}</dd>
                <dt>{lang.pick("Ảnh", "Photos")}</dt><dd>{v.photos.len().to_string()}</dd>
            </dl>
            <h2>{lang.pick("Diễn biến", "Timeline")}</h2>
            <ol class="timeline">{timeline}</ol>
            <h2>{lang.pick("Nội dung bạn đã gửi", "What you sent")}</h2>
            <p class="description">{v.description.clone()}</p>
            {access.clone().map(|access| view! { <CitizenActions actions=v.citizen_actions.clone() access lang /> })}
            {(access.is_some() && can(shared::workflow::ActionKind::CitizenAddInfo)).then(|| view! {
                <h2>{lang.pick("Bổ sung thông tin", "Add information")}</h2>
                <form method="post" action="/track/add" enctype="multipart/form-data" class="stack addition-form">
                    <input type="hidden" name="access" value=access.clone().unwrap_or_default() />
                    <input type="hidden" name="idempotency_key" value=addition_key />
                    <label for="addition-text">{lang.pick("Thông tin thêm", "More information")}</label>
                    <textarea id="addition-text" name="text" rows="4" maxlength="5000"></textarea>
                    <label for="addition-photos">{lang.pick("Ảnh thêm (tối đa 5 ảnh)", "More photos (at most 5)")}</label>
                    <input id="addition-photos" name="photos" type="file" accept="image/jpeg,image/png,image/webp,image/heic" multiple=true />
                    <button type="submit" class="button primary">{lang.pick("Gửi bổ sung", "Send")}</button>
                </form>
            })}
            <PersonalData
                access=access
                requested_at=v.erasure_requested_at
                erased_at=v.personal_data_erased_at
                lang
            />
        </main>
    }
}

/// The citizen's personal data in this report: erased, being erased (within 72 hours of the
/// request), or a plain form to ask for it (Decree 13/2023), which works without JavaScript.
#[component]
fn PersonalData(
    access: Option<String>,
    requested_at: Option<i64>,
    erased_at: Option<i64>,
    lang: Lang,
) -> impl IntoView {
    if let Some(at) = erased_at {
        let text = format!(
            "{} {}.",
            lang.pick(
                "Dữ liệu cá nhân của bạn trong phản ánh này (họ tên, số điện thoại, email, ảnh) đã được xoá lúc",
                "Your personal data in this report (name, phone, e-mail, photos) was erased at",
            ),
            datetime_vn(at)
        );
        return view! { <p class="notice" id="personal-data-erased">{text}</p> }.into_any();
    }
    if let Some(at) = requested_at {
        let text = format!(
            "{} {}. {} {}.",
            lang.pick(
                "Đã nhận yêu cầu xoá dữ liệu cá nhân của bạn lúc",
                "Your request to erase your personal data was received at",
            ),
            datetime_vn(at),
            lang.pick("Việc xoá hoàn tất trước", "It will be done before"),
            datetime_vn(at + shared::report::ERASURE_WITHIN_MS)
        );
        return view! { <p class="notice" id="erasure-requested">{text}</p> }.into_any();
    }
    let Some(access) = access else {
        return ().into_any();
    };
    view! {
        <details class="erase">
            <summary>{lang.pick("Xoá dữ liệu cá nhân của tôi", "Erase my personal data")}</summary>
            <form method="post" action="/track/erase" class="stack">
                <input type="hidden" name="access" value=access />
                <p class="hint">{lang.pick(
                    "Họ tên, số điện thoại, email và ảnh bạn đã gửi sẽ bị xoá trong vòng 72 giờ; bạn sẽ không nhận được tin nhắn về phản ánh này nữa. Nội dung phản ánh và kết quả xử lý được giữ lại cho việc giải quyết và thống kê.",
                    "Your name, phone, e-mail and the photos you sent will be erased within 72 hours; you will get no more messages about this report. What the report says and how it was handled are kept, for the case and the figures.",
                )}</p>
                <button type="submit" class="button">{lang.pick("Yêu cầu xoá", "Ask for erasure")}</button>
            </form>
        </details>
    }
    .into_any()
}

/// What the citizen may do about the answer, from the one state machine: say whether it
/// satisfied them, reopen or appeal once, withdraw. Plain form posts, so they work without
/// JavaScript; each answers with the tracking page as it now stands.
#[component]
fn CitizenActions(
    actions: Vec<shared::workflow::ActionKind>,
    access: String,
    lang: Lang,
) -> impl IntoView {
    use shared::workflow::{ActionKind as K, REASON_MIN_CHARS};
    let has = |a: K| actions.contains(&a);
    let min = REASON_MIN_CHARS.to_string();
    let hidden = move |action: K| {
        view! {
            <input type="hidden" name="access" value=access.clone() />
            <input type="hidden" name="action" value=action.as_str() />
        }
    };
    let feedback = has(K::CitizenFeedback).then(|| view! {
        <form method="post" action="/track/action" class="stack citizen-feedback">
            {hidden(K::CitizenFeedback)}
            <h2>{lang.pick("Bạn có hài lòng với câu trả lời không?", "Did the answer satisfy you?")}</h2>
            <label for="feedback-comment">{lang.pick("Ý kiến của bạn (không bắt buộc)", "Your comment (optional)")}</label>
            <textarea id="feedback-comment" name="comment" rows="3" maxlength="2000"></textarea>
            <div class="button-row">
                <button type="submit" name="satisfied" value="true" class="button primary">{lang.pick("Hài lòng", "Satisfied")}</button>
                <button type="submit" name="satisfied" value="false" class="button">{lang.pick("Chưa hài lòng", "Not satisfied")}</button>
            </div>
        </form>
    });
    let reason_form = |action: K,
                       id: &'static str,
                       title: (&'static str, &'static str),
                       hint: (&'static str, &'static str),
                       button: (&'static str, &'static str)| {
        view! {
            <form method="post" action="/track/action" class="stack">
                {hidden(action)}
                <h2>{lang.pick(title.0, title.1)}</h2>
                <p class="hint">{lang.pick(hint.0, hint.1)}</p>
                <label for=id>{lang.pick("Lý do", "Reason")}</label>
                <textarea id=id name="reason" rows="3" required minlength=min.clone() maxlength="2000"></textarea>
                <button type="submit" class="button">{lang.pick(button.0, button.1)}</button>
            </form>
        }
    };
    let reopen = has(K::Reopen).then(|| {
        reason_form(
            K::Reopen,
            "reopen-reason",
            ("Yêu cầu mở lại", "Ask to reopen"),
            (
                "Bạn được yêu cầu mở lại một lần nếu câu trả lời chưa giải quyết được vấn đề.",
                "You may ask once to reopen the report if the answer did not resolve the matter.",
            ),
            ("Gửi yêu cầu mở lại", "Ask to reopen"),
        )
    });
    let appeal = has(K::Appeal).then(|| {
        reason_form(
            K::Appeal,
            "appeal-reason",
            (
                "Hoặc khiếu nại, kiến nghị lên cấp trên",
                "Or appeal to the superior unit",
            ),
            (
                "Thay cho mở lại: phản ánh được chuyển lên đơn vị cấp trên. Chỉ một lần.",
                "Instead of reopening: the report goes to the superior unit. Only once.",
            ),
            ("Gửi lên cấp trên", "Appeal"),
        )
    });
    let withdraw = has(K::Withdraw).then(|| view! {
        <details class="withdraw">
            <summary>{lang.pick("Rút đơn", "Withdraw the report")}</summary>
            <form method="post" action="/track/action" class="stack">
                {hidden(K::Withdraw)}
                <label for="withdraw-reason">{lang.pick("Lý do (không bắt buộc)", "Reason (optional)")}</label>
                <textarea id="withdraw-reason" name="reason" rows="2" maxlength="2000"></textarea>
                <button type="submit" class="button">{lang.pick("Rút đơn", "Withdraw")}</button>
            </form>
        </details>
    });
    view! { {feedback} {reopen} {appeal} {withdraw} }
}

/// The tracking form: code (and secret), posted so that neither lands in a URL or a history.
#[component]
pub fn TrackPage() -> impl IntoView {
    let lang = lang();
    view! {
        <header class="citizen-header">
            <p class="unit-name">"Minh Bạch"</p>
        </header>
        <main class="citizen">
            <h1>{lang.pick("Tra cứu phản ánh", "Follow a report")}</h1>
            <TrackForm lang />
        </main>
    }
}

#[component]
pub fn TrackForm(lang: Lang) -> impl IntoView {
    view! {
        <form method="post" action="/track" class="stack">
            <label for="tracking_code">{lang.pick("Mã tra cứu", "Tracking code")}</label>
            <input id="tracking_code" name="tracking_code" required maxlength="40" autocomplete="off" autocapitalize="characters" spellcheck="false" />
            <label for="secret">{lang.pick("Mã bí mật (nếu gửi ẩn danh)", "Secret (for an anonymous report)")}</label>
            <input id="secret" name="secret" maxlength="40" autocomplete="off" autocapitalize="characters" spellcheck="false" />
            <button type="submit" class="button primary">{lang.pick("Tra cứu", "Look up")}</button>
        </form>
    }
}

/// A refusal answering a form post, with the way back.
#[component]
pub fn RefusalView(error: ApiError, lang: Lang, back_hint: bool) -> impl IntoView {
    let fields = error
        .fields
        .iter()
        .map(|f| view! { <li>{f.message.get(lang).to_string()}</li> })
        .collect_view();
    view! {
        <main class="citizen">
            <h1>{lang.pick("Chưa gửi được", "Not sent yet")}</h1>
            <div class="notice error" role="alert">
                <p>{error.message.get(lang).to_string()}</p>
                <ul>{fields}</ul>
            </div>
            {back_hint.then(|| view! {
                <p>{lang.pick(
                    "Vui lòng bấm nút Quay lại của trình duyệt để sửa: nội dung bạn đã nhập vẫn còn.",
                    "Please use your browser's Back button to correct it: what you typed is still there.",
                )}</p>
            })}
        </main>
    }
}

/// A whole static page around `body`, for answers to form posts (no hydration needed).
#[cfg(feature = "ssr")]
pub fn document(lang: Lang, title: &str, body: impl FnOnce() -> AnyView) -> String {
    let owner = Owner::new();
    let html = owner.with(|| body().to_html());
    format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"color-scheme\" content=\"light\">\
         <title>{}</title><link rel=\"stylesheet\" href=\"/style.css\"></head><body>\
         <header class=\"citizen-header\"><p class=\"unit-name\">Minh Bạch</p></header>{html}</body></html>",
        lang.code(),
        html_escape(title),
    )
}

#[cfg(feature = "ssr")]
fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
