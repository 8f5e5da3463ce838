/**
 * The Vietnamese text of a reminder (in-app today; e-mail reuses it). Pure.
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
