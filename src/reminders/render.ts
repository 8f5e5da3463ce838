/**
 * The Vietnamese text of a reminder, in the app and by e-mail (renderReminderEmail). Pure.
 */
import { type CalendarExceptions, workingDaysBetween } from "../calendar/working-days";
import type { ReminderKind } from "./ladder";

export interface ReminderText {
  title: string;
  body: string;
}

export interface RenderFacts {
  kind: ReminderKind;
  taskCode: string;
  taskTitle: string;
  /** The assigned organization. */
  orgName: string;
  dueDate: string;
  /** The local date the reminder goes out on. */
  fireAtLocalDate: string;
}

/** "2023-01-31" → "31/01/2023". */
export function vnDate(date: string): string {
  const [y, m, d] = date.split("-");
  return `${d}/${m}/${y}`;
}

export function renderReminder(f: RenderFacts, calendar: CalendarExceptions): ReminderText {
  const task = `nhiệm vụ «${f.taskTitle}» (mã ${f.taskCode})`;
  const due = vnDate(f.dueDate);
  if (f.kind.startsWith("before_")) {
    const left = workingDaysBetween(f.fireAtLocalDate, f.dueDate, calendar);
    return {
      title: `Sắp đến hạn (còn ${left} ngày làm việc): ${f.taskTitle}`,
      body:
        `Nhắc việc: ${task} giao cho ${f.orgName} có thời hạn hoàn thành ngày ${due}, ` +
        `còn ${left} ngày làm việc. Đề nghị đơn vị khẩn trương thực hiện và báo cáo kết quả đúng hạn.`,
    };
  }
  if (f.kind === "due_today") {
    const onTheDay = f.fireAtLocalDate === f.dueDate;
    return {
      title: onTheDay ? `Đến hạn hôm nay: ${f.taskTitle}` : `Đến hạn ngày ${due} (ngày nghỉ): ${f.taskTitle}`,
      body: onTheDay
        ? `Nhắc việc: hôm nay (${due}) là hạn hoàn thành ${task} giao cho ${f.orgName}. ` +
          `Đề nghị đơn vị hoàn thành và báo cáo kết quả trong ngày.`
        : `Nhắc việc: ${task} giao cho ${f.orgName} có thời hạn hoàn thành ngày ${due}, là ngày nghỉ; ` +
          `hôm nay là ngày làm việc cuối cùng trước hạn. Đề nghị đơn vị hoàn thành và báo cáo kết quả.`,
    };
  }
  const late = workingDaysBetween(f.dueDate, f.fireAtLocalDate, calendar);
  if (f.kind === "escalation") {
    return {
      title: `Quá hạn ${late} ngày làm việc, cần đôn đốc: ${f.taskTitle}`,
      body:
        `Báo cáo quá hạn: ${task} giao cho ${f.orgName} có thời hạn hoàn thành ngày ${due}, ` +
        `đến nay đã quá hạn ${late} ngày làm việc mà chưa hoàn thành. ` +
        `Đề nghị cơ quan giao nhiệm vụ và Văn phòng Điều phối nông thôn mới đôn đốc, xử lý.`,
    };
  }
  return {
    title: `Quá hạn ${late} ngày làm việc: ${f.taskTitle}`,
    body:
      `Nhắc việc: ${task} giao cho ${f.orgName} đã quá hạn hoàn thành (hạn ${due}) ` +
      `${late} ngày làm việc. Đề nghị đơn vị khẩn trương hoàn thành, báo cáo kết quả và nêu rõ nguyên nhân chậm trễ.`,
  };
}

export interface ExtensionRenderFacts {
  taskCode: string;
  taskTitle: string;
  /** The organization asking for more time. */
  orgName: string;
  currentDueDate: string | null;
  requestedDueDate: string;
  requestedOn: string;
  waitedWorkingDays: number;
}

/** A request for more time awaiting the approver's decision. */
export function renderExtensionReminder(f: ExtensionRenderFacts): ReminderText {
  const from = f.currentDueDate ? ` từ ngày ${vnDate(f.currentDueDate)}` : "";
  return {
    title: `Đề nghị gia hạn chờ quyết định (${f.waitedWorkingDays} ngày làm việc): ${f.taskTitle}`,
    body:
      `Nhắc việc: ${f.orgName} đề nghị gia hạn nhiệm vụ «${f.taskTitle}» (mã ${f.taskCode})${from} ` +
      `đến ngày ${vnDate(f.requestedDueDate)}, gửi ngày ${vnDate(f.requestedOn)}, đã chờ ` +
      `${f.waitedWorkingDays} ngày làm việc. Đề nghị cơ quan giao nhiệm vụ xem xét, quyết định.`,
  };
}

const PERIOD_NAMES: Record<string, string> = {
  monthly: "tháng",
  quarterly: "quý",
  six_monthly: "6 tháng",
  yearly: "năm",
  ad_hoc: "đột xuất",
};

export interface ReportRenderFacts {
  taskCode: string;
  taskTitle: string;
  orgName: string;
  dueDate: string;
  fireAtLocalDate: string;
  periods: Array<{ kind: string; periodStart: string; periodEnd: string }>;
}

/** A progress report due for one or more reporting periods. */
export function renderReportReminder(f: ReportRenderFacts, calendar: CalendarExceptions): ReminderText {
  const left = workingDaysBetween(f.fireAtLocalDate, f.dueDate, calendar);
  const periods = f.periods
    .map((p) => `kỳ ${PERIOD_NAMES[p.kind] ?? p.kind} ${vnDate(p.periodStart)}–${vnDate(p.periodEnd)}`)
    .join("; ");
  return {
    title: `Sắp đến hạn báo cáo (còn ${left} ngày làm việc): ${f.taskTitle}`,
    body:
      `Nhắc việc: ${f.orgName} chưa gửi báo cáo tiến độ nhiệm vụ «${f.taskTitle}» (mã ${f.taskCode}) ` +
      `cho ${periods}; hạn báo cáo ngày ${vnDate(f.dueDate)}, còn ${left} ngày làm việc.`,
  };
}

export interface ReminderEmail {
  subject: string;
  text: string;
  html: string;
}

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

const EMAIL_FOOTER =
  "Thư này được gửi tự động từ hệ thống theo dõi kế hoạch xây dựng nông thôn mới; vui lòng không trả lời thư này.";

/** A reminder as an e-mail: the title as subject, the body in plain text and in minimal, escaped HTML. */
export function renderReminderEmail(t: ReminderText): ReminderEmail {
  return {
    subject: t.title,
    text: `${t.body}\n\n--\n${EMAIL_FOOTER}\n`,
    html:
      `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>${escapeHtml(t.title)}</title></head>` +
      `<body><p>${escapeHtml(t.body)}</p><hr><p><small>${escapeHtml(EMAIL_FOOTER)}</small></p></body></html>`,
  };
}
