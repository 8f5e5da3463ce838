/** The Vietnamese daily digest e-mail, plain and HTML (like render.ts). Pure. */
import { escapeHtml, type ReminderEmail, vnDate } from "../render";

export interface DigestItem {
  assignmentId: number;
  taskCode: string;
  taskTitle: string;
  orgName: string;
  dueDate: string;
  /** Working days left (due soon) or overdue (overdue); 0 for due today. */
  workingDays: number;
}

export interface DigestSections {
  dueSoon: DigestItem[];
  dueToday: DigestItem[];
  overdue: DigestItem[];
}

export function digestSize(s: DigestSections): number {
  return s.dueSoon.length + s.dueToday.length + s.overdue.length;
}

/** Items listed per section; the rest are counted. */
export const DIGEST_ITEMS_PER_SECTION = 50;

const FOOTER =
  "Thư này được gửi tự động từ hệ thống theo dõi kế hoạch xây dựng nông thôn mới; vui lòng không trả lời thư này. " +
  "Bạn nhận bản tổng hợp hằng ngày theo cài đặt thông báo của mình.";

const SECTIONS: Array<{ key: keyof DigestSections; heading: string; line: (i: DigestItem) => string }> = [
  {
    key: "dueSoon",
    heading: "Sắp đến hạn",
    line: (i) => `hạn ${vnDate(i.dueDate)}, còn ${i.workingDays} ngày làm việc`,
  },
  { key: "dueToday", heading: "Đến hạn hôm nay", line: (i) => `hạn hôm nay ${vnDate(i.dueDate)}` },
  {
    key: "overdue",
    heading: "Quá hạn",
    line: (i) => `hạn ${vnDate(i.dueDate)}, quá hạn ${i.workingDays} ngày làm việc`,
  },
];

const itemText = (i: DigestItem, when: string) =>
  `«${i.taskTitle}» (mã ${i.taskCode}), ${i.orgName}: ${when}`;

/** The digest of local date `date`: one message with the three sections (empty ones say so). */
export function renderDigestEmail(date: string, s: DigestSections): ReminderEmail {
  const total = digestSize(s);
  const subject = `Tổng hợp nhắc việc ngày ${vnDate(date)}: ${s.dueToday.length} đến hạn hôm nay, ${s.overdue.length} quá hạn, ${s.dueSoon.length} sắp đến hạn`;
  const intro = `Tổng hợp nhắc việc ngày ${vnDate(date)}: ${total} nhiệm vụ cần theo dõi.`;
  const text: string[] = [intro, ""];
  const html: string[] = [`<p>${escapeHtml(intro)}</p>`];
  for (const section of SECTIONS) {
    const items = s[section.key];
    const heading = `${section.heading} (${items.length})`;
    text.push(heading);
    html.push(`<h2>${escapeHtml(heading)}</h2>`);
    if (items.length === 0) {
      text.push("- Không có.", "");
      html.push("<p>Không có.</p>");
      continue;
    }
    const shown = items.slice(0, DIGEST_ITEMS_PER_SECTION);
    for (const i of shown) text.push(`- ${itemText(i, section.line(i))}`);
    html.push(
      `<ul>${shown.map((i) => `<li>${escapeHtml(itemText(i, section.line(i)))}</li>`).join("")}</ul>`,
    );
    if (items.length > shown.length) {
      const more = `… và ${items.length - shown.length} nhiệm vụ khác.`;
      text.push(more);
      html.push(`<p>${escapeHtml(more)}</p>`);
    }
    text.push("");
  }
  text.push("--", FOOTER, "");
  return {
    subject,
    text: text.join("\n"),
    html:
      `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>` +
      `<body>${html.join("")}<hr><p><small>${escapeHtml(FOOTER)}</small></p></body></html>`,
  };
}
