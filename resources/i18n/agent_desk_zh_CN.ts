<?xml version='1.0' encoding='utf-8'?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AlertsDialog</name>
    <message>
        <source>Supervisor alerts</source>
        <translation>主管预警</translation>
    </message>
    <message>
        <source>Open alerts</source>
        <translation>待处理预警</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>级别</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>患者</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>Alert</source>
        <translation>预警内容</translation>
    </message>
    <message>
        <source>Raised</source>
        <translation>发生时间</translation>
    </message>
    <message>
        <source>Escalated by</source>
        <translation>上报人</translation>
    </message>
    <message>
        <source>Department</source>
        <translation>科室</translation>
    </message>
    <message>
        <source>Note: what was done (optional)</source>
        <translation>处理备注（可选）</translation>
    </message>
    <message>
        <source>Acknowledge</source>
        <translation>确认处理</translation>
    </message>
    <message>
        <source>Handled alerts</source>
        <translation>已处理预警</translation>
    </message>
    <message>
        <source>Handled by</source>
        <translation>处理人</translation>
    </message>
    <message>
        <source>Handled</source>
        <translation>处理时间</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <source>A backup is being restored into this data folder.</source>
        <translation>正在向此数据文件夹恢复备份。</translation>
    </message>
    <message>
        <source>Cannot open the database</source>
        <translation>无法打开数据库</translation>
    </message>
    <message>
        <source>Central server</source>
        <translation>中心服务器</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Some settings could not be used; the defaults are used instead.</source>
        <translation>部分设置无法使用，已改用默认值。</translation>
    </message>
</context>
<context>
    <name>AppointmentsDialog</name>
    <message>
        <source>Revisit appointments</source>
        <translation>复诊预约</translation>
    </message>
    <message>
        <source>Department:</source>
        <translation>科室：</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时段</translation>
    </message>
    <message>
        <source>Doctor</source>
        <translation>医生</translation>
    </message>
    <message>
        <source>Booked</source>
        <translation>已约</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Patients booked on the day</source>
        <translation>当日预约患者</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>患者</translation>
    </message>
    <message>
        <source>Record no.</source>
        <translation>病案号</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Booked by</source>
        <translation>预约人</translation>
    </message>
    <message>
        <source>Cancel booking…</source>
        <translation>取消预约…</translation>
    </message>
    <message>
        <source>Mark no-show</source>
        <translation>标记爽约</translation>
    </message>
    <message>
        <source>Move to another slot…</source>
        <translation>改约其他时段…</translation>
    </message>
    <message>
        <source>Clinic schedule…</source>
        <translation>出诊排班…</translation>
    </message>
    <message>
        <source>(clinic)</source>
        <translation>（普通门诊）</translation>
    </message>
    <message>
        <source>Slots %1 · places %2 · booked %3 · free %4 · full slots %5</source>
        <translation>时段 %1 · 号源 %2 · 已约 %3 · 余 %4 · 约满时段 %5</translation>
    </message>
    <message>
        <source>Cancel booking</source>
        <translation>取消预约</translation>
    </message>
    <message>
        <source>Why is it cancelled?</source>
        <translation>取消原因？</translation>
    </message>
</context>
<context>
    <name>ArticleEditor</name>
    <message>
        <source>Edit article</source>
        <translation>编辑文章</translation>
    </message>
    <message>
        <source>New article</source>
        <translation>新建文章</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>separated by commas or 、</source>
        <translation>以逗号或顿号分隔</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>department code; empty: every department</source>
        <translation>科室代码；留空表示全院通用</translation>
    </message>
    <message>
        <source>Department</source>
        <translation>科室</translation>
    </message>
    <message>
        <source>ICD-10 prefixes, e.g. I10, E11</source>
        <translation>ICD-10 编码前缀，如 I10, E11</translation>
    </message>
    <message>
        <source>ICD-10</source>
        <translation>ICD-10</translation>
    </message>
    <message>
        <source>The article's text (Markdown)</source>
        <translation>正文（Markdown 格式）</translation>
    </message>
</context>
<context>
    <name>AuditLogDialog</name>
    <message>
        <source>Audit log</source>
        <translation>审计日志</translation>
    </message>
    <message>
        <source>Login name</source>
        <translation>登录名</translation>
    </message>
    <message>
        <source>Record number</source>
        <translation>病案号</translation>
    </message>
    <message>
        <source>All actions</source>
        <translation>全部操作</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>查询</translation>
    </message>
    <message>
        <source>Show more</source>
        <translation>显示更多</translation>
    </message>
    <message>
        <source>Export to CSV…</source>
        <translation>导出为 CSV…</translation>
    </message>
    <message>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>患者</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Events exported: %1</source>
        <translation>已导出记录：%1 条</translation>
    </message>
    <message>
        <source>Events shown: %1</source>
        <translation>显示记录：%1 条</translation>
    </message>
</context>
<context>
    <name>AuditLogModel</name>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>About</source>
        <translation>对象</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>详情</translation>
    </message>
</context>
<context>
    <name>BookingDialog</name>
    <message>
        <source>Mon</source>
        <translation>周一</translation>
    </message>
    <message>
        <source>Tue</source>
        <translation>周二</translation>
    </message>
    <message>
        <source>Wed</source>
        <translation>周三</translation>
    </message>
    <message>
        <source>Thu</source>
        <translation>周四</translation>
    </message>
    <message>
        <source>Fri</source>
        <translation>周五</translation>
    </message>
    <message>
        <source>Sat</source>
        <translation>周六</translation>
    </message>
    <message>
        <source>Sun</source>
        <translation>周日</translation>
    </message>
    <message>
        <source>%1 of %2 places free</source>
        <translation>余 %1/%2 号</translation>
    </message>
    <message>
        <source>Book a revisit: %1</source>
        <translation>预约复诊：%1</translation>
    </message>
    <message>
        <source>Book (Enter)</source>
        <translation>预约（回车）</translation>
    </message>
    <message>
        <source>Call back at:</source>
        <translation>回拨时间：</translation>
    </message>
    <message>
        <source>Book callback</source>
        <translation>预约回拨</translation>
    </message>
    <message>
        <source>The patient has no visit: no department to book in.</source>
        <translation>该患者没有就诊记录，无法确定预约科室。</translation>
    </message>
    <message>
        <source>Next free slots (%1):</source>
        <translation>最近可约时段（%1）：</translation>
    </message>
    <message>
        <source>No free slot is published for this department.</source>
        <translation>该科室暂无可约时段。</translation>
    </message>
    <message>
        <source>Booking…</source>
        <translation>正在预约…</translation>
    </message>
    <message>
        <source>That slot was just taken by another booking. The next free slots:</source>
        <translation>该时段刚被他人约满，以下为最近可约时段：</translation>
    </message>
    <message>
        <source>The central server cannot be reached, so no booking can be made now. The slots shown are from the last sync.</source>
        <translation>无法连接中心服务器，暂不能预约；所显示时段为上次同步的数据。</translation>
    </message>
</context>
<context>
    <name>CallController</name>
    <message>
        <source>%1 patients share the number %2. Who is calling?</source>
        <translation>%1 位患者使用号码 %2，请确认来电者：</translation>
    </message>
    <message>
        <source>The other side refused the hold (%1 %2): the call is not on hold.</source>
        <translation>对方拒绝保持（%1 %2）：通话未保持。</translation>
    </message>
    <message>
        <source>The other side refused to resume (%1 %2): the call is still on hold.</source>
        <translation>对方拒绝恢复通话（%1 %2）：通话仍在保持中。</translation>
    </message>
    <message>
        <source>Call ended.</source>
        <translation>通话已结束。</translation>
    </message>
    <message>
        <source>Call ended; the recording is saved.</source>
        <translation>通话已结束，录音已保存。</translation>
    </message>
    <message>
        <source>No softphone is running.</source>
        <translation>软电话未运行。</translation>
    </message>
    <message>
        <source>This patient has no valid phone number.</source>
        <translation>该患者没有有效的电话号码。</translation>
    </message>
    <message>
        <source>This patient does not wish to be called.</source>
        <translation>该患者不同意电话回访。</translation>
    </message>
    <message>
        <source>Cannot dial %1 without a PBX: set sip.registrar, or dial a SIP address.</source>
        <translation>未连接交换机，无法拨打 %1：请设置 sip.registrar，或拨打 SIP 地址。</translation>
    </message>
    <message>
        <source>Attended transfer needs a second call on hold.</source>
        <translation>咨询转接需要另一路保持中的通话。</translation>
    </message>
    <message>
        <source>%1 (on the line: %2)</source>
        <translation>%1（通话人：%2）</translation>
    </message>
    <message>
        <source>withheld</source>
        <translation>号码隐藏</translation>
    </message>
    <message>
        <source>ring %1</source>
        <translation>第 %1 声振铃</translation>
    </message>
    <message>
        <source>(caller-ID line)</source>
        <translation>（来电显示线路）</translation>
    </message>
    <message>
        <source>Not recorded (the patient does not consent)</source>
        <translation>不录音（患者不同意）</translation>
    </message>
    <message>
        <source>Not recorded until the patient is chosen</source>
        <translation>选定患者后才录音</translation>
    </message>
    <message>
        <source>Incoming call</source>
        <translation>来电</translation>
    </message>
    <message>
        <source>Caller-ID modem ready on %1.</source>
        <translation>来电显示调制解调器已就绪（%1）。</translation>
    </message>
    <message>
        <source>Caller-ID modem on %1 is unplugged; reconnecting…</source>
        <translation>来电显示调制解调器（%1）已断开，正在重新连接…</translation>
    </message>
    <message>
        <source>Caller-ID modem problem: %1</source>
        <translation>来电显示调制解调器故障：%1</translation>
    </message>
    <message>
        <source>Opening the caller-ID modem on %1…</source>
        <translation>正在打开来电显示调制解调器（%1）…</translation>
    </message>
</context>
<context>
    <name>CallPanel</name>
    <message>
        <source>Answer (F9)</source>
        <translation>接听 (F9)</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>拒接</translation>
    </message>
    <message>
        <source>Hold (F11)</source>
        <translation>保持 (F11)</translation>
    </message>
    <message>
        <source>Mute (F12)</source>
        <translation>静音 (F12)</translation>
    </message>
    <message>
        <source>Keypad</source>
        <translation>拨号盘</translation>
    </message>
    <message>
        <source>Transfer</source>
        <translation>转接</translation>
    </message>
    <message>
        <source>Register complaint</source>
        <translation>登记投诉</translation>
    </message>
    <message>
        <source>Hang up (F10)</source>
        <translation>挂断 (F10)</translation>
    </message>
    <message>
        <source>Transfer the call to (extension or number):</source>
        <translation>将通话转接到（分机号或电话号码）：</translation>
    </message>
    <message>
        <source>No call</source>
        <translation>空闲</translation>
    </message>
    <message>
        <source>Incoming call</source>
        <translation>来电</translation>
    </message>
    <message>
        <source>Calling</source>
        <translation>正在呼叫</translation>
    </message>
    <message>
        <source>In call</source>
        <translation>通话中</translation>
    </message>
    <message>
        <source>On hold</source>
        <translation>保持中</translation>
    </message>
</context>
<context>
    <name>CampaignDialog</name>
    <message>
        <source>SMS campaign</source>
        <translation>短信群发</translation>
    </message>
    <message>
        <source>Placeholders: {姓名} {科室} {出院日期} {复诊时间}</source>
        <translation>可用占位符：{姓名} {科室} {出院日期} {复诊时间}</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>预览</translation>
    </message>
    <message>
        <source>Send…</source>
        <translation>发送…</translation>
    </message>
    <message>
        <source>Template:</source>
        <translation>模板：</translation>
    </message>
    <message>
        <source>Text:</source>
        <translation>内容：</translation>
    </message>
    <message>
        <source>Patients:</source>
        <translation>患者范围：</translation>
    </message>
    <message>
        <source>%1 patients, %2 message part(s) each.</source>
        <translation>共 %1 位患者，每人 %2 条短信。</translation>
    </message>
    <message>
        <source>Skipped: %1 no SMS consent, %2 no mobile number, %3 do not contact.</source>
        <translation>跳过：%1 位未同意短信，%2 位无手机号，%3 位在免打扰名单。</translation>
    </message>
    <message>
        <source>Send this message to %1 patients?</source>
        <translation>确定向 %1 位患者发送此短信？</translation>
    </message>
    <message>
        <source>%1 messages queued.</source>
        <translation>已加入发送队列 %1 条。</translation>
    </message>
</context>
<context>
    <name>CaseDialog</name>
    <message>
        <source>Dispute case record</source>
        <translation>纠纷案卷</translation>
    </message>
    <message>
        <source>Restricted: every opening of this record is in the audit log.</source>
        <translation>受限记录：每次查看都记入审计日志。</translation>
    </message>
    <message>
        <source>What happened:</source>
        <translation>事件经过：</translation>
    </message>
    <message>
        <source>People involved:</source>
        <translation>涉及人员：</translation>
    </message>
    <message>
        <source>Steps taken:</source>
        <translation>已采取措施：</translation>
    </message>
    <message>
        <source>Outcome:</source>
        <translation>处理结果：</translation>
    </message>
    <message>
        <source>Compensation:</source>
        <translation>赔偿：</translation>
    </message>
    <message>
        <source>Last changed by %1</source>
        <translation>最后修改人：%1</translation>
    </message>
</context>
<context>
    <name>ComplaintDialog</name>
    <message>
        <source>Register a complaint</source>
        <translation>登记投诉</translation>
    </message>
    <message>
        <source>Patient:</source>
        <translation>患者：</translation>
    </message>
    <message>
        <source>Unknown caller</source>
        <translation>未知来电者</translation>
    </message>
    <message>
        <source>Kind:</source>
        <translation>类型：</translation>
    </message>
    <message>
        <source>Route it for me</source>
        <translation>自动派发</translation>
    </message>
    <message>
        <source>Department concerned:</source>
        <translation>涉及科室：</translation>
    </message>
    <message>
        <source>Severity:</source>
        <translation>严重程度：</translation>
    </message>
    <message>
        <source>What the caller said, in their words</source>
        <translation>来电者反映的原话</translation>
    </message>
    <message>
        <source>Text:</source>
        <translation>内容：</translation>
    </message>
    <message>
        <source>Write what the caller said first.</source>
        <translation>请先填写来电者反映的内容。</translation>
    </message>
</context>
<context>
    <name>ComposeDialog</name>
    <message>
        <source>New text message</source>
        <translation>新短信</translation>
    </message>
    <message>
        <source>The hospital's signature is added to every message</source>
        <translation>每条短信将自动加上医院签名</translation>
    </message>
    <message>
        <source>Number:</source>
        <translation>号码：</translation>
    </message>
    <message>
        <source>Text:</source>
        <translation>内容：</translation>
    </message>
</context>
<context>
    <name>Crash</name>
    <message>
        <source>Unexpected error</source>
        <translation>意外错误</translation>
    </message>
    <message>
        <source>Something went wrong: %1
Your saved work is safe. The details are in %2</source>
        <translation>出现错误：%1
已保存的内容不会丢失。详细信息见 %2</translation>
    </message>
</context>
<context>
    <name>DailyBackup</name>
    <message>
        <source>Daily backup saved.</source>
        <translation>每日备份已保存。</translation>
    </message>
    <message>
        <source>Daily backup failed: %1</source>
        <translation>每日备份失败：%1</translation>
    </message>
</context>
<context>
    <name>EffectModel</name>
    <message>
        <source>Patients</source>
        <translation>患者</translation>
    </message>
    <message>
        <source>Tasks</source>
        <translation>任务数</translation>
    </message>
    <message>
        <source>Readmitted within 30 days</source>
        <translation>30天再入院率</translation>
    </message>
    <message>
        <source>Revisited within 30 days</source>
        <translation>30天复诊率</translation>
    </message>
    <message>
        <source>Later recovery scores</source>
        <translation>后续康复评分数</translation>
    </message>
    <message>
        <source>Mean later recovery score</source>
        <translation>后续康复评分均值</translation>
    </message>
    <message>
        <source>An inpatient stay within 30 days of the discharge</source>
        <translation>出院后30天内再次住院</translation>
    </message>
    <message>
        <source>An outpatient visit within 30 days of the discharge</source>
        <translation>出院后30天内门诊复诊</translation>
    </message>
    <message>
        <source>Recovery scores recorded after the discharge</source>
        <translation>出院后记录的康复评分</translation>
    </message>
    <message>
        <source>Followed up</source>
        <translation>已回访</translation>
    </message>
    <message>
        <source>Not reached</source>
        <translation>未接通</translation>
    </message>
</context>
<context>
    <name>FiguresModel</name>
    <message>
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <source>Whole hospital</source>
        <translation>全院</translation>
    </message>
    <message>
        <source>(unassigned)</source>
        <translation>(未分配)</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>分组</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>应访数</translation>
    </message>
    <message>
        <source>Attempted</source>
        <translation>已访数</translation>
    </message>
    <message>
        <source>Reached</source>
        <translation>接通数</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>完成数</translation>
    </message>
    <message>
        <source>Follow-up rate</source>
        <translation>回访率</translation>
    </message>
    <message>
        <source>Success rate</source>
        <translation>成功率</translation>
    </message>
    <message>
        <source>Lost</source>
        <translation>失访数</translation>
    </message>
    <message>
        <source>Satisfied (reached)</source>
        <translation>回访满意率</translation>
    </message>
    <message>
        <source>Satisfied (answered)</source>
        <translation>实访满意率</translation>
    </message>
    <message>
        <source>Praise rate</source>
        <translation>表扬率</translation>
    </message>
    <message>
        <source>Criticism rate</source>
        <translation>批评率</translation>
    </message>
    <message>
        <source>Complaints</source>
        <translation>投诉</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>已结</translation>
    </message>
    <message>
        <source>Attempted ÷ due</source>
        <translation>已访数 ÷ 应访数</translation>
    </message>
    <message>
        <source>Reached ÷ attempted</source>
        <translation>接通数 ÷ 已访数</translation>
    </message>
    <message>
        <source>Overall satisfied ÷ all reached</source>
        <translation>总体满意人数 ÷ 全部接通数</translation>
    </message>
    <message>
        <source>Overall satisfied ÷ those who answered the question</source>
        <translation>总体满意人数 ÷ 回答该问题的人数</translation>
    </message>
    <message>
        <source>Reached tasks with praise ÷ reached</source>
        <translation>有表扬的接通任务 ÷ 接通数</translation>
    </message>
    <message>
        <source>Reached tasks with a complaint ÷ reached</source>
        <translation>有批评的接通任务 ÷ 接通数</translation>
    </message>
    <message>
        <source>Complaints opened in the period</source>
        <translation>本期新增投诉</translation>
    </message>
    <message>
        <source>Complaints still open after 7 days</source>
        <translation>超过 7 天仍未办结的投诉</translation>
    </message>
    <message>
        <source>Complaints closed</source>
        <translation>已办结的投诉</translation>
    </message>
</context>
<context>
    <name>FollowupPanel</name>
    <message>
        <source>Form:</source>
        <translation>表单：</translation>
    </message>
    <message>
        <source>Outcome:</source>
        <translation>结果：</translation>
    </message>
    <message>
        <source>Submit (Ctrl+Enter)</source>
        <translation>提交 (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>Draft restored (saved %1).</source>
        <translation>已恢复草稿（保存于 %1）。</translation>
    </message>
    <message>
        <source>Say</source>
        <translation>规范用语</translation>
    </message>
    <message>
        <source>Health education</source>
        <translation>健康宣教</translation>
    </message>
    <message>
        <source>The draft could not be saved: %1</source>
        <translation>草稿未能保存：%1</translation>
    </message>
    <message>
        <source>Choose the outcome of the call first.</source>
        <translation>请先选择本次通话的结果。</translation>
    </message>
    <message>
        <source>Not yet complete: %1</source>
        <translation>尚未填写完整：%1</translation>
    </message>
    <message>
        <source>An unsuccessful attempt needs a task.</source>
        <translation>记录未成功的回访需要先选择随访任务。</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>已保存。</translation>
    </message>
</context>
<context>
    <name>FormView</name>
    <message>
        <source>Report to supervisor</source>
        <translation>上报主管</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>No</source>
        <translation>否</translation>
    </message>
    <message>
        <source>Recovery score %1</source>
        <translation>康复评分 %1</translation>
    </message>
    <message>
        <source>%1 required answers missing</source>
        <translation>还有 %1 项必答题未填写</translation>
    </message>
    <message>
        <source>Reported to supervisor</source>
        <translation>已上报主管</translation>
    </message>
</context>
<context>
    <name>Headset</name>
    <message>
        <source>no microphone</source>
        <translation>未检测到麦克风</translation>
    </message>
    <message>
        <source>no speaker</source>
        <translation>未检测到扬声器</translation>
    </message>
</context>
<context>
    <name>KnowledgeDialog</name>
    <message>
        <source>Knowledge base</source>
        <translation>知识库</translation>
    </message>
    <message>
        <source>Search articles: words separated by spaces, e.g. 高血压 饮食</source>
        <translation>搜索文章：多个词用空格分隔，如 高血压 饮食</translation>
    </message>
    <message>
        <source>New article…</source>
        <translation>新建文章…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <source>Articles found: %1</source>
        <translation>找到文章：%1 篇</translation>
    </message>
    <message>
        <source>No article matches '%1'.</source>
        <translation>没有与“%1”匹配的文章。</translation>
    </message>
    <message>
        <source>Version %1 · %2 · %3</source>
        <translation>第 %1 版 · %2 · %3</translation>
    </message>
    <message>
        <source>Tags: %1</source>
        <translation>标签：%1</translation>
    </message>
</context>
<context>
    <name>KnowledgeSuggestions</name>
    <message>
        <source>Open a patient to see the articles for their diagnoses.</source>
        <translation>打开患者后，这里显示与其诊断相关的文章。</translation>
    </message>
    <message>
        <source>For this patient (double-click to read):</source>
        <translation>与该患者相关（双击阅读）：</translation>
    </message>
    <message>
        <source>No article for this patient's diagnoses.</source>
        <translation>没有与该患者诊断相关的文章。</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <source>Warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>Critical</source>
        <translation>危急</translation>
    </message>
    <message>
        <source>Male</source>
        <translation>男</translation>
    </message>
    <message>
        <source>Female</source>
        <translation>女</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>Service agent</source>
        <translation>客服</translation>
    </message>
    <message>
        <source>Nurse</source>
        <translation>护士</translation>
    </message>
    <message>
        <source>Doctor</source>
        <translation>医生</translation>
    </message>
    <message>
        <source>Supervisor</source>
        <translation>主管</translation>
    </message>
    <message>
        <source>Administrator</source>
        <translation>管理员</translation>
    </message>
    <message>
        <source>HIS integration</source>
        <translation>接口（HIS）</translation>
    </message>
    <message>
        <source>Self</source>
        <translation>本人</translation>
    </message>
    <message>
        <source>Spouse</source>
        <translation>配偶</translation>
    </message>
    <message>
        <source>Child</source>
        <translation>子女</translation>
    </message>
    <message>
        <source>Parent</source>
        <translation>父母</translation>
    </message>
    <message>
        <source>Sibling</source>
        <translation>兄弟姐妹</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>Outpatient</source>
        <translation>门诊</translation>
    </message>
    <message>
        <source>Inpatient</source>
        <translation>住院</translation>
    </message>
    <message>
        <source>Pending</source>
        <translation>待回访</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Lost to follow-up</source>
        <translation>失访</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>SMS</source>
        <translation>短信</translation>
    </message>
    <message>
        <source>WeChat</source>
        <translation>微信</translation>
    </message>
    <message>
        <source>QQ</source>
        <translation>QQ</translation>
    </message>
    <message>
        <source>Home visit</source>
        <translation>家访</translation>
    </message>
    <message>
        <source>Web</source>
        <translation>网站</translation>
    </message>
    <message>
        <source>App</source>
        <translation>App</translation>
    </message>
    <message>
        <source>Reached</source>
        <translation>已接通</translation>
    </message>
    <message>
        <source>No answer</source>
        <translation>无人接听</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>占线</translation>
    </message>
    <message>
        <source>Switched off</source>
        <translation>关机</translation>
    </message>
    <message>
        <source>Wrong number</source>
        <translation>号码错误</translation>
    </message>
    <message>
        <source>Refused</source>
        <translation>拒绝回访</translation>
    </message>
    <message>
        <source>Deceased</source>
        <translation>已故</translation>
    </message>
    <message>
        <source>Readmitted</source>
        <translation>再次入院</translation>
    </message>
    <message>
        <source>Number invalid</source>
        <translation>空号</translation>
    </message>
    <message>
        <source>Incoming call</source>
        <translation>来电</translation>
    </message>
    <message>
        <source>Outgoing call</source>
        <translation>去电</translation>
    </message>
    <message>
        <source>Visit</source>
        <translation>就诊</translation>
    </message>
    <message>
        <source>Follow-up attempt</source>
        <translation>回访尝试</translation>
    </message>
    <message>
        <source>Follow-up record</source>
        <translation>随访记录</translation>
    </message>
    <message>
        <source>Call</source>
        <translation>通话</translation>
    </message>
    <message>
        <source>SMS sent</source>
        <translation>已发短信</translation>
    </message>
    <message>
        <source>SMS reply</source>
        <translation>短信回复</translation>
    </message>
    <message>
        <source>Conflict</source>
        <translation>冲突</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>被拒绝</translation>
    </message>
    <message>
        <source>Could not download</source>
        <translation>无法下载</translation>
    </message>
    <message>
        <source>Keep the server's version</source>
        <translation>保留服务器上的版本</translation>
    </message>
    <message>
        <source>Send mine again</source>
        <translation>重新发送本机的修改</translation>
    </message>
    <message>
        <source>Verify identity on a callback</source>
        <translation>回拨核实身份</translation>
    </message>
    <message>
        <source>The patient asked</source>
        <translation>患者本人要求</translation>
    </message>
    <message>
        <source>Referral or appointment</source>
        <translation>转介/预约需要</translation>
    </message>
    <message>
        <source>Login</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>Failed login</source>
        <translation>登录失败</translation>
    </message>
    <message>
        <source>Login refused: account locked</source>
        <translation>拒绝登录：账户已锁定</translation>
    </message>
    <message>
        <source>Logout</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <source>Patient card viewed</source>
        <translation>查看患者卡片</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>查询</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Account added</source>
        <translation>新增账户</translation>
    </message>
    <message>
        <source>Account changed</source>
        <translation>账户已修改</translation>
    </message>
    <message>
        <source>Password changed</source>
        <translation>修改密码</translation>
    </message>
    <message>
        <source>Setting changed</source>
        <translation>修改设置</translation>
    </message>
    <message>
        <source>Recording played</source>
        <translation>播放录音</translation>
    </message>
    <message>
        <source>Patient registered</source>
        <translation>新建患者</translation>
    </message>
    <message>
        <source>Phone number added</source>
        <translation>新增电话号码</translation>
    </message>
    <message>
        <source>Discharge data imported</source>
        <translation>导入出院数据</translation>
    </message>
    <message>
        <source>Identifier shown in full</source>
        <translation>查看完整标识信息</translation>
    </message>
    <message>
        <source>Backup</source>
        <translation>备份</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>Audit chain started</source>
        <translation>审计链开始</translation>
    </message>
    <message>
        <source>Sync review decided</source>
        <translation>同步审核处理</translation>
    </message>
    <message>
        <source>Recording exported</source>
        <translation>导出录音</translation>
    </message>
    <message>
        <source>Alert escalated</source>
        <translation>已上报主管</translation>
    </message>
    <message>
        <source>Alert acknowledged</source>
        <translation>预警已处理</translation>
    </message>
    <message>
        <source>Imported file</source>
        <translation>导入文件</translation>
    </message>
    <message>
        <source>Setting</source>
        <translation>设置项</translation>
    </message>
    <message>
        <source>Text message</source>
        <translation>短信</translation>
    </message>
    <message>
        <source>Recording deleted (retention)</source>
        <translation>录音已删除（保留期满）</translation>
    </message>
    <message>
        <source>Ticket rerouted</source>
        <translation>工单改派</translation>
    </message>
    <message>
        <source>Dispute case record viewed</source>
        <translation>查看纠纷案卷</translation>
    </message>
    <message>
        <source>Dispute case record changed</source>
        <translation>修改纠纷案卷</translation>
    </message>
    <message>
        <source>Ticket routing or deadlines changed</source>
        <translation>修改工单派发规则或时限</translation>
    </message>
    <message>
        <source>Working calendar imported</source>
        <translation>导入工作日历</translation>
    </message>
    <message>
        <source>Ticket</source>
        <translation>工单</translation>
    </message>
    <message>
        <source>Knowledge article saved</source>
        <translation>保存知识库文章</translation>
    </message>
    <message>
        <source>Knowledge articles imported</source>
        <translation>导入知识库文章</translation>
    </message>
    <message>
        <source>Appointment booked</source>
        <translation>预约复诊</translation>
    </message>
    <message>
        <source>Appointment cancelled</source>
        <translation>取消预约</translation>
    </message>
    <message>
        <source>Appointment moved</source>
        <translation>改约</translation>
    </message>
    <message>
        <source>Appointment missed (no-show)</source>
        <translation>爽约</translation>
    </message>
    <message>
        <source>Clinic schedule changed</source>
        <translation>修改出诊排班</translation>
    </message>
    <message>
        <source>Revisit appointment</source>
        <translation>复诊预约</translation>
    </message>
    <message>
        <source>Clinic schedule</source>
        <translation>出诊排班</translation>
    </message>
    <message>
        <source>SMS campaign sent</source>
        <translation>短信群发</translation>
    </message>
    <message>
        <source>On this workstation</source>
        <translation>在本工作站</translation>
    </message>
    <message>
        <source>Here and on the server</source>
        <translation>本机及服务器</translation>
    </message>
    <message>
        <source>Fetched from the server</source>
        <translation>已从服务器获取</translation>
    </message>
    <message>
        <source>Missing</source>
        <translation>文件缺失</translation>
    </message>
    <message>
        <source>Damaged</source>
        <translation>已损坏</translation>
    </message>
    <message>
        <source>Praise</source>
        <translation>表扬</translation>
    </message>
    <message>
        <source>Criticism</source>
        <translation>批评</translation>
    </message>
    <message>
        <source>Suggestion</source>
        <translation>建议</translation>
    </message>
    <message>
        <source>Complaint</source>
        <translation>投诉</translation>
    </message>
    <message>
        <source>Dispute</source>
        <translation>纠纷</translation>
    </message>
    <message>
        <source>Red flag</source>
        <translation>随访异常</translation>
    </message>
    <message>
        <source>New</source>
        <translation>新建</translation>
    </message>
    <message>
        <source>Dispatched</source>
        <translation>已派发</translation>
    </message>
    <message>
        <source>Replied</source>
        <translation>已回复</translation>
    </message>
    <message>
        <source>Called back</source>
        <translation>已回访</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>已关闭</translation>
    </message>
    <message>
        <source>Escalated</source>
        <translation>已升级</translation>
    </message>
    <message>
        <source>Normal</source>
        <translation>一般</translation>
    </message>
    <message>
        <source>High</source>
        <translation>高</translation>
    </message>
    <message>
        <source>Follow-up form</source>
        <translation>随访表单</translation>
    </message>
    <message>
        <source>Red-flag answer</source>
        <translation>异常答案</translation>
    </message>
    <message>
        <source>Inbound call</source>
        <translation>来电</translation>
    </message>
    <message>
        <source>Earlier feedback</source>
        <translation>既往意见</translation>
    </message>
    <message>
        <source>named in the form or call</source>
        <translation>表单或来电指定</translation>
    </message>
    <message>
        <source>the patient's visit</source>
        <translation>患者就诊科室</translation>
    </message>
    <message>
        <source>a keyword rule</source>
        <translation>关键词规则</translation>
    </message>
    <message>
        <source>a supervisor</source>
        <translation>主管</translation>
    </message>
    <message>
        <source>Opened</source>
        <translation>创建</translation>
    </message>
    <message>
        <source>Routed</source>
        <translation>派发</translation>
    </message>
    <message>
        <source>Rerouted</source>
        <translation>改派</translation>
    </message>
    <message>
        <source>Escalated to the head and supervisors</source>
        <translation>升级至科主任和主管</translation>
    </message>
    <message>
        <source>Escalated to the office</source>
        <translation>升级至医务处/护理部</translation>
    </message>
    <message>
        <source>Satisfied</source>
        <translation>满意</translation>
    </message>
    <message>
        <source>Partly satisfied</source>
        <translation>基本满意</translation>
    </message>
    <message>
        <source>Dissatisfied</source>
        <translation>不满意</translation>
    </message>
    <message>
        <source>Common question</source>
        <translation>常见问题</translation>
    </message>
    <message>
        <source>Standard script</source>
        <translation>规范用语</translation>
    </message>
    <message>
        <source>Health education</source>
        <translation>健康宣教</translation>
    </message>
    <message>
        <source>Alert</source>
        <translation>预警</translation>
    </message>
    <message>
        <source>Due today</source>
        <translation>今日到期</translation>
    </message>
    <message>
        <source>Booked callback</source>
        <translation>预约回拨</translation>
    </message>
    <message>
        <source>Reminder</source>
        <translation>提醒</translation>
    </message>
    <message>
        <source>Care message</source>
        <translation>关怀短信</translation>
    </message>
    <message>
        <source>Greeting</source>
        <translation>节日问候</translation>
    </message>
    <message>
        <source>Campaign</source>
        <translation>群发</translation>
    </message>
    <message>
        <source>Satisfaction survey</source>
        <translation>满意度调查</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>短信</translation>
    </message>
    <message>
        <source>Unsubscribe confirmation</source>
        <translation>退订确认</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <source>Handed to the gateway</source>
        <translation>已交短信网关</translation>
    </message>
    <message>
        <source>Sending</source>
        <translation>发送中</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>已发送</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>发送失败</translation>
    </message>
    <message>
        <source>May have been sent (not resent)</source>
        <translation>可能已发送（不重发）</translation>
    </message>
    <message>
        <source>Withdrawn</source>
        <translation>已撤回</translation>
    </message>
    <message>
        <source>Blocked by the contact rules</source>
        <translation>因联系规则未发送</translation>
    </message>
    <message>
        <source>No report yet</source>
        <translation>尚无回执</translation>
    </message>
    <message>
        <source>Delivered</source>
        <translation>已送达</translation>
    </message>
    <message>
        <source>Not delivered</source>
        <translation>未送达</translation>
    </message>
    <message>
        <source>Unsubscribed</source>
        <translation>已退订</translation>
    </message>
    <message>
        <source>Satisfaction answer</source>
        <translation>满意度回复</translation>
    </message>
    <message>
        <source>Revisit confirmed</source>
        <translation>已确认复诊</translation>
    </message>
    <message>
        <source>Revisit: wants another day</source>
        <translation>复诊改期申请</translation>
    </message>
    <message>
        <source>Needs an agent</source>
        <translation>需人工处理</translation>
    </message>
    <message>
        <source>Unknown sender</source>
        <translation>未知号码</translation>
    </message>
    <message>
        <source>Modem ready</source>
        <translation>短信猫就绪</translation>
    </message>
    <message>
        <source>No SMS modem: check the cable and sms.port</source>
        <translation>未连接短信猫：请检查连线和 sms.port</translation>
    </message>
    <message>
        <source>The SIM needs its PIN: agent-desk secret set sms.pin</source>
        <translation>SIM卡需要PIN码：agent-desk secret set sms.pin</translation>
    </message>
    <message>
        <source>SMS modem: no mobile network</source>
        <translation>短信猫：无移动网络</translation>
    </message>
    <message>
        <source>SMS modem: the SIM card is full</source>
        <translation>短信猫：SIM卡已满</translation>
    </message>
    <message>
        <source>SMS modem error</source>
        <translation>短信猫故障</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>日</translation>
    </message>
    <message>
        <source>Week</source>
        <translation>周</translation>
    </message>
    <message>
        <source>Month</source>
        <translation>月</translation>
    </message>
    <message>
        <source>Quarter</source>
        <translation>季度</translation>
    </message>
    <message>
        <source>Year</source>
        <translation>年</translation>
    </message>
    <message>
        <source>From – to</source>
        <translation>自定义起止</translation>
    </message>
    <message>
        <source>Whole hospital</source>
        <translation>全院</translation>
    </message>
    <message>
        <source>Staff member</source>
        <translation>工作人员</translation>
    </message>
    <message>
        <source>Follow-up plan</source>
        <translation>随访计划</translation>
    </message>
    <message>
        <source>Disease (ICD-10 category)</source>
        <translation>病种（ICD-10 类目）</translation>
    </message>
    <message>
        <source>Disease (ICD-10 chapter)</source>
        <translation>病种（ICD-10 章）</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>应访</translation>
    </message>
    <message>
        <source>Attempted</source>
        <translation>已访</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Praised</source>
        <translation>表扬</translation>
    </message>
    <message>
        <source>Criticised</source>
        <translation>批评</translation>
    </message>
    <message>
        <source>Unreachable</source>
        <translation>多次未接通</translation>
    </message>
    <message>
        <source>Number not in service</source>
        <translation>空号</translation>
    </message>
    <message>
        <source>Refused follow-up</source>
        <translation>拒绝回访</translation>
    </message>
    <message>
        <source>Booked</source>
        <translation>已预约</translation>
    </message>
    <message>
        <source>Confirmed</source>
        <translation>已确认</translation>
    </message>
    <message>
        <source>Moved</source>
        <translation>已改约</translation>
    </message>
    <message>
        <source>No-show</source>
        <translation>爽约</translation>
    </message>
    <message>
        <source>Free</source>
        <translation>空闲</translation>
    </message>
    <message>
        <source>Partly booked</source>
        <translation>部分已约</translation>
    </message>
    <message>
        <source>Full</source>
        <translation>已约满</translation>
    </message>
    <message>
        <source>Doctors</source>
        <translation>医生</translation>
    </message>
    <message>
        <source>Nurses</source>
        <translation>护士</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>环境</translation>
    </message>
    <message>
        <source>Cost</source>
        <translation>费用</translation>
    </message>
    <message>
        <source>Overall</source>
        <translation>总体</translation>
    </message>
    <message>
        <source>Discharge follow-up (day 7)</source>
        <translation>出院7天回访</translation>
    </message>
    <message>
        <source>Callback at a set time</source>
        <translation>预约回拨</translation>
    </message>
    <message>
        <source>Move a revisit (patient asked)</source>
        <translation>改期（患者要求）</translation>
    </message>
    <message>
        <source>Ticket history</source>
        <translation>工单记录</translation>
    </message>
    <message>
        <source>Ticket routing rule</source>
        <translation>工单派发规则</translation>
    </message>
    <message>
        <source>Ticket deadline</source>
        <translation>工单时限</translation>
    </message>
    <message>
        <source>Working calendar day</source>
        <translation>工作日历</translation>
    </message>
    <message>
        <source>Dispute case record</source>
        <translation>纠纷案卷</translation>
    </message>
    <message>
        <source>Knowledge article</source>
        <translation>知识库文章</translation>
    </message>
    <message>
        <source>Knowledge article version</source>
        <translation>知识库文章版本</translation>
    </message>
    <message>
        <source>Do-not-contact number</source>
        <translation>免打扰号码</translation>
    </message>
    <message>
        <source>Department</source>
        <translation>科室</translation>
    </message>
    <message>
        <source>Ward</source>
        <translation>病区</translation>
    </message>
    <message>
        <source>Staff account</source>
        <translation>员工账号</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>患者</translation>
    </message>
    <message>
        <source>Patient phone number</source>
        <translation>患者联系电话</translation>
    </message>
    <message>
        <source>Diagnosis</source>
        <translation>诊断</translation>
    </message>
    <message>
        <source>Follow-up task</source>
        <translation>随访任务</translation>
    </message>
    <message>
        <source>Audit log entry</source>
        <translation>审计日志</translation>
    </message>
    <message>
        <source>Praise, complaint or suggestion</source>
        <translation>表扬、投诉或建议</translation>
    </message>
    <message>
        <source>Follow-up alert</source>
        <translation>随访预警</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>Follow-up workstation — log in</source>
        <translation>随访工作站 — 登录</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Repeat password</source>
        <translation>再次输入密码</translation>
    </message>
    <message>
        <source>This is a new installation. Choose the password of the administrator account '%1' (at least %2 characters). Add the other staff accounts later with: agent-desk users add NAME --role nurse</source>
        <translation>这是新安装的工作站。请为管理员账户“%1”设置密码（至少 %2 个字符）。其他工作人员账户可稍后用命令添加：agent-desk users add 用户名 --role nurse</translation>
    </message>
    <message>
        <source>Create account and log in</source>
        <translation>创建账户并登录</translation>
    </message>
    <message>
        <source>Log in with your staff account.</source>
        <translation>请使用工作人员账户登录。</translation>
    </message>
    <message>
        <source>Log in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
    <message>
        <source>The password needs at least %1 characters.</source>
        <translation>密码至少需要 %1 个字符。</translation>
    </message>
    <message>
        <source>Too many failed logins: this account is locked until %1.</source>
        <translation>登录失败次数过多，此账户已锁定至 %1。</translation>
    </message>
    <message>
        <source>Wrong user name or password.</source>
        <translation>用户名或密码错误。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Follow-up workstation</source>
        <translation>随访工作站</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <source>Phone number, name or record number  (Ctrl+F)</source>
        <translation>电话号码、姓名或病案号  (Ctrl+F)</translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>显示：</translation>
    </message>
    <message>
        <source>Due today</source>
        <translation>今日待访</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>已逾期</translation>
    </message>
    <message>
        <source>All open</source>
        <translation>全部待访</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Due tomorrow</source>
        <translation>明日到期</translation>
    </message>
    <message>
        <source>Department:</source>
        <translation>科室：</translation>
    </message>
    <message>
        <source>All departments</source>
        <translation>全部科室</translation>
    </message>
    <message>
        <source>Follow-up form</source>
        <translation>随访表单</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Worklist</source>
        <translation>工作列表(&amp;W)</translation>
    </message>
    <message>
        <source>Find patient</source>
        <translation>查找患者</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Go to worklist</source>
        <translation>转到工作列表</translation>
    </message>
    <message>
        <source>Next patient</source>
        <translation>下一位</translation>
    </message>
    <message>
        <source>Supervisor alerts…</source>
        <translation>主管预警…</translation>
    </message>
    <message>
        <source>&amp;Call</source>
        <translation>通话(&amp;C)</translation>
    </message>
    <message>
        <source>Call this patient</source>
        <translation>呼叫该患者</translation>
    </message>
    <message>
        <source>Dial a number…</source>
        <translation>拨打号码…</translation>
    </message>
    <message>
        <source>Attended transfer to the call on hold</source>
        <translation>咨询转接到保持中的通话</translation>
    </message>
    <message>
        <source>Do not disturb</source>
        <translation>免打扰</translation>
    </message>
    <message>
        <source>Answer calls automatically (headset)</source>
        <translation>自动接听（耳麦坐席）</translation>
    </message>
    <message>
        <source>Super&amp;vision</source>
        <translation>质控(&amp;V)</translation>
    </message>
    <message>
        <source>Audit log…</source>
        <translation>审计日志…</translation>
    </message>
    <message>
        <source>Recordings…</source>
        <translation>录音…</translation>
    </message>
    <message>
        <source>S&amp;tatistics</source>
        <translation>统计(&amp;T)</translation>
    </message>
    <message>
        <source>Follow-up statistics…</source>
        <translation>随访统计…</translation>
    </message>
    <message>
        <source>&amp;Settings</source>
        <translation>设置(&amp;S)</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Database not encrypted: no OS keyring</source>
        <translation>数据库未加密：没有系统密钥环</translation>
    </message>
    <message>
        <source>Patient data is stored unencrypted on this computer. Install and unlock an OS keyring (Windows Credential Manager, GNOME Keyring or KWallet), then restart: the database is encrypted at the next start.</source>
        <translation>患者数据以未加密形式保存在本机。请安装并解锁系统密钥环（Windows 凭据管理器、GNOME Keyring 或 KWallet），然后重新启动：下次启动时数据库将被加密。</translation>
    </message>
    <message>
        <source>%1 tasks</source>
        <translation>共 %1 项任务</translation>
    </message>
    <message>
        <source>Due tomorrow: %1</source>
        <translation>明日到期：%1 项</translation>
    </message>
    <message>
        <source>%1 patients match '%2'. Choose one:</source>
        <translation>有 %1 位患者与“%2”匹配，请选择：</translation>
    </message>
    <message>
        <source>Type a phone number, a name or a record number to search.</source>
        <translation>请输入电话号码、姓名或病案号进行搜索。</translation>
    </message>
    <message>
        <source>'%1' is not a valid phone number, and no record number matches it.</source>
        <translation>“%1”不是有效的电话号码，也没有匹配的病案号。</translation>
    </message>
    <message>
        <source>No patient matches '%1'.</source>
        <translation>没有与“%1”匹配的患者。</translation>
    </message>
    <message>
        <source>This patient is not in your departments: the card stays closed.</source>
        <translation>该患者不属于您的科室，无法打开病历卡。</translation>
    </message>
    <message>
        <source>This patient no longer exists.</source>
        <translation>该患者已不存在。</translation>
    </message>
    <message>
        <source>Alerts: %1</source>
        <translation>待处理警报：%1</translation>
    </message>
    <message>
        <source>Drafts: %1</source>
        <translation>草稿：%1 份</translation>
    </message>
    <message>
        <source>No more tasks in this list.</source>
        <translation>列表中没有更多任务。</translation>
    </message>
    <message>
        <source>Follow-up saved. Next patient.</source>
        <translation>随访已保存。下一位患者。</translation>
    </message>
    <message>
        <source>Follow-up saved.</source>
        <translation>随访已保存。</translation>
    </message>
    <message>
        <source>Register again</source>
        <translation>重新注册</translation>
    </message>
    <message>
        <source>SIP password…</source>
        <translation>SIP 密码…</translation>
    </message>
    <message>
        <source>Open a patient first.</source>
        <translation>请先打开一位患者。</translation>
    </message>
    <message>
        <source>Still asking the central server…</source>
        <translation>仍在询问中心服务器…</translation>
    </message>
    <message>
        <source>Asking the central server…</source>
        <translation>正在询问中心服务器…</translation>
    </message>
    <message>
        <source>The card changed meanwhile, so nobody was called.</source>
        <translation>期间患者卡片已切换，因此未拨打任何人。</translation>
    </message>
    <message>
        <source>The central server could not take this task: %1</source>
        <translation>中心服务器未能领取该任务：%1</translation>
    </message>
    <message>
        <source>Not called</source>
        <translation>未拨打</translation>
    </message>
    <message>
        <source>&amp;Sync</source>
        <translation>同步(&amp;Y)</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <source>Review what the server refused…</source>
        <translation>审核服务器拒绝的修改…</translation>
    </message>
    <message>
        <source>Dial</source>
        <translation>拨号</translation>
    </message>
    <message>
        <source>Number to dial:</source>
        <translation>要拨打的号码：</translation>
    </message>
    <message>
        <source>The new language is used from the next start of the workstation.</source>
        <translation>新的语言将在下次启动工作站时生效。</translation>
    </message>
    <message>
        <source>&amp;Tickets</source>
        <translation>工单(&amp;T)</translation>
    </message>
    <message>
        <source>Tickets…</source>
        <translation>工单…</translation>
    </message>
    <message>
        <source>Ticket registered.</source>
        <translation>工单已登记。</translation>
    </message>
    <message>
        <source>%1 overdue tickets escalated.</source>
        <translation>%1 张超时工单已升级。</translation>
    </message>
    <message>
        <source>Knowledge base…</source>
        <translation>知识库…</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>Related articles</source>
        <translation>相关知识</translation>
    </message>
    <message>
        <source>A&amp;ppointments</source>
        <translation>预约(&amp;P)</translation>
    </message>
    <message>
        <source>Book a revisit for this patient…</source>
        <translation>为该患者预约复诊…</translation>
    </message>
    <message>
        <source>Appointments…</source>
        <translation>预约管理…</translation>
    </message>
    <message>
        <source>Callbacks due: %1</source>
        <translation>待回拨：%1</translation>
    </message>
    <message>
        <source>Open a patient's card first.</source>
        <translation>请先打开患者卡片。</translation>
    </message>
    <message>
        <source>Revisit booked for %1.</source>
        <translation>已预约复诊：%1。</translation>
    </message>
    <message>
        <source>Callback booked.</source>
        <translation>已预约回拨。</translation>
    </message>
    <message>
        <source>The HIS did not accept the appointment: %1</source>
        <translation>HIS 未接收该预约：%1</translation>
    </message>
</context>
<context>
    <name>NewCallerDialog</name>
    <message>
        <source>New caller</source>
        <translation>新来电者</translation>
    </message>
    <message>
        <source>No patient has the number %1.</source>
        <translation>没有患者使用号码 %1。</translation>
    </message>
    <message>
        <source>New patient</source>
        <translation>新建患者</translation>
    </message>
    <message>
        <source>Add to a known patient</source>
        <translation>添加到已有患者</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Record no.</source>
        <translation>病案号</translation>
    </message>
    <message>
        <source>Sex</source>
        <translation>性别</translation>
    </message>
    <message>
        <source>Birth date</source>
        <translation>出生日期</translation>
    </message>
    <message>
        <source>Name or record number, then Enter</source>
        <translation>输入姓名或病案号后按回车</translation>
    </message>
    <message>
        <source>Find</source>
        <translation>查找</translation>
    </message>
    <message>
        <source>The caller is the patient's</source>
        <translation>来电者是患者的</translation>
    </message>
    <message>
        <source>Find and select the patient first.</source>
        <translation>请先查找并选择患者。</translation>
    </message>
</context>
<context>
    <name>AnswerCombo</name>
    <message>
        <source>Keys 1–%1 choose an answer</source>
        <translation>按数字键 1–%1 选择答案</translation>
    </message>
</context>
<context>
    <name>PatientCardView</name>
    <message>
        <source>Open follow-up tasks</source>
        <translation>待办随访任务</translation>
    </message>
    <message>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>What</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>评分</translation>
    </message>
    <message>
        <source>History</source>
        <translation>历史记录</translation>
    </message>
    <message>
        <source>Visits and discharge orders</source>
        <translation>就诊与出院医嘱</translation>
    </message>
    <message>
        <source>Upcoming revisits: %1</source>
        <translation>待复诊：%1</translation>
    </message>
    <message>
        <source>No patient selected</source>
        <translation>未选择患者</translation>
    </message>
    <message>
        <source>%1 years</source>
        <translation>%1 岁</translation>
    </message>
    <message>
        <source>Allergy: %1</source>
        <translation>过敏：%1</translation>
    </message>
    <message>
        <source>Cardiac: %1</source>
        <translation>心脏病史：%1</translation>
    </message>
    <message>
        <source>Chronic: %1</source>
        <translation>慢病：%1</translation>
    </message>
    <message>
        <source>No calls</source>
        <translation>拒绝电话</translation>
    </message>
    <message>
        <source>Do not record</source>
        <translation>不同意录音</translation>
    </message>
    <message>
        <source>Record no.</source>
        <translation>病案号</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>身份证号</translation>
    </message>
    <message>
        <source>Birth date</source>
        <translation>出生日期</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>Insurance no.</source>
        <translation>医保号</translation>
    </message>
    <message>
        <source>Occupation</source>
        <translation>职业</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Family history</source>
        <translation>家族史</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Recovery score</source>
        <translation>康复评分趋势</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>Show in full; the audit log records who saw it</source>
        <translation>完整显示（审计日志将记录查看人）</translation>
    </message>
    <message>
        <source>%1 — due %2 (window %3 to %4), priority %5</source>
        <translation>%1 — 应访日期 %2（窗口 %3 至 %4），优先级 %5</translation>
    </message>
    <message>
        <source>Recorded: double-click to play</source>
        <translation>有录音：双击播放</translation>
    </message>
    <message>
        <source>Discharge orders</source>
        <translation>出院医嘱</translation>
    </message>
</context>
<context>
    <name>PatientChooser</name>
    <message>
        <source>Choose the patient</source>
        <translation>选择患者</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Sex</source>
        <translation>性别</translation>
    </message>
    <message>
        <source>Birth date</source>
        <translation>出生日期</translation>
    </message>
    <message>
        <source>Record no.</source>
        <translation>病案号</translation>
    </message>
    <message>
        <source>Number belongs to</source>
        <translation>号码所属</translation>
    </message>
</context>
<context>
    <name>RecordingPlayer</name>
    <message>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <source>Speed</source>
        <translation>倍速</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
</context>
<context>
    <name>RecordingsDialog</name>
    <message>
        <source>Recordings</source>
        <translation>录音</translation>
    </message>
    <message>
        <source>Record number or name</source>
        <translation>病案号或姓名</translation>
    </message>
    <message>
        <source>Both directions</source>
        <translation>来电和去电</translation>
    </message>
    <message>
        <source>Any outcome</source>
        <translation>全部结果</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <source>Show more</source>
        <translation>显示更多</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Double-click a call to listen.</source>
        <translation>双击通话即可收听。</translation>
    </message>
    <message>
        <source>All departments</source>
        <translation>全部科室</translation>
    </message>
    <message>
        <source>All agents</source>
        <translation>全部客服</translation>
    </message>
    <message>
        <source>Recordings shown: %1</source>
        <translation>已显示录音：%1</translation>
    </message>
    <message>
        <source>Opening the recording…</source>
        <translation>正在打开录音…</translation>
    </message>
    <message>
        <source>Playing the call of %1</source>
        <translation>正在播放 %1 的通话</translation>
    </message>
    <message>
        <source>Cannot play: %1</source>
        <translation>无法播放：%1</translation>
    </message>
    <message>
        <source>FLAC audio (*.flac)</source>
        <translation>FLAC 音频 (*.flac)</translation>
    </message>
    <message>
        <source>Recording written to %1</source>
        <translation>录音已导出到 %1</translation>
    </message>
</context>
<context>
    <name>RecordingsModel</name>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Direction</source>
        <translation>方向</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>患者</translation>
    </message>
    <message>
        <source>Department</source>
        <translation>科室</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>客服</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Length</source>
        <translation>时长</translation>
    </message>
    <message>
        <source>Recording</source>
        <translation>录音</translation>
    </message>
    <message>
        <source>On the central server</source>
        <translation>在中心服务器上</translation>
    </message>
    <message>
        <source> (not encrypted)</source>
        <translation>（未加密）</translation>
    </message>
</context>
<context>
    <name>RecoveryModel</name>
    <message>
        <source>Disease</source>
        <translation>病种</translation>
    </message>
    <message>
        <source>Records</source>
        <translation>记录数</translation>
    </message>
    <message>
        <source>Mean recovery score</source>
        <translation>平均康复评分</translation>
    </message>
    <message>
        <source>By month</source>
        <translation>按月</translation>
    </message>
    <message>
        <source>(unassigned)</source>
        <translation>(未分配)</translation>
    </message>
</context>
<context>
    <name>ScheduleEditor</name>
    <message>
        <source>Mon</source>
        <translation>周一</translation>
    </message>
    <message>
        <source>Tue</source>
        <translation>周二</translation>
    </message>
    <message>
        <source>Wed</source>
        <translation>周三</translation>
    </message>
    <message>
        <source>Thu</source>
        <translation>周四</translation>
    </message>
    <message>
        <source>Fri</source>
        <translation>周五</translation>
    </message>
    <message>
        <source>Sat</source>
        <translation>周六</translation>
    </message>
    <message>
        <source>Sun</source>
        <translation>周日</translation>
    </message>
    <message>
        <source>Clinic schedule: %1</source>
        <translation>出诊排班：%1</translation>
    </message>
    <message>
        <source>Doctor</source>
        <translation>医生</translation>
    </message>
    <message>
        <source>Weekday</source>
        <translation>星期</translation>
    </message>
    <message>
        <source>From</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>To</source>
        <translation>结束</translation>
    </message>
    <message>
        <source>Minutes per slot</source>
        <translation>每时段分钟数</translation>
    </message>
    <message>
        <source>Places per slot</source>
        <translation>每时段号源数</translation>
    </message>
    <message>
        <source>Add opening</source>
        <translation>添加出诊</translation>
    </message>
    <message>
        <source>Remove opening</source>
        <translation>删除出诊</translation>
    </message>
    <message>
        <source>Save and publish</source>
        <translation>保存并发布</translation>
    </message>
    <message>
        <source>Close a day:</source>
        <translation>停诊日期：</translation>
    </message>
    <message>
        <source>Reason (e.g. a holiday)</source>
        <translation>原因（如节假日）</translation>
    </message>
    <message>
        <source>Close the day</source>
        <translation>设为停诊</translation>
    </message>
    <message>
        <source>the weekday must be Mon … Sun</source>
        <translation>星期须为周一至周日</translation>
    </message>
    <message>
        <source>minutes and places must be whole numbers</source>
        <translation>分钟数和号源数须为整数</translation>
    </message>
    <message>
        <source>Row %1: %2</source>
        <translation>第 %1 行：%2</translation>
    </message>
    <message>
        <source>Saved: %1 slots published, %2 withdrawn.</source>
        <translation>已保存：发布 %1 个时段，撤下 %2 个。</translation>
    </message>
    <message>
        <source>%1 is closed.</source>
        <translation>%1 已设为停诊。</translation>
    </message>
</context>
<context>
    <name>SipLineStatus</name>
    <message>
        <source>Register again</source>
        <translation>重新注册</translation>
    </message>
    <message>
        <source>Registered with the PBX</source>
        <translation>已注册到交换机</translation>
    </message>
    <message>
        <source>Softphone ready for direct calls</source>
        <translation>软电话已就绪（直连模式）</translation>
    </message>
    <message>
        <source>Registering with the PBX…</source>
        <translation>正在注册到交换机…</translation>
    </message>
    <message>
        <source>Not registered: %1</source>
        <translation>未注册：%1</translation>
    </message>
    <message>
        <source>(trying again in %1 s)</source>
        <translation>（%1 秒后重试）</translation>
    </message>
    <message>
        <source>Not registered</source>
        <translation>未注册</translation>
    </message>
    <message>
        <source>wrong SIP user or password</source>
        <translation>SIP 账号或密码错误</translation>
    </message>
    <message>
        <source>refused by the PBX</source>
        <translation>交换机拒绝注册</translation>
    </message>
    <message>
        <source>the PBX does not answer</source>
        <translation>交换机无应答</translation>
    </message>
    <message>
        <source>SIP password</source>
        <translation>SIP 密码</translation>
    </message>
    <message>
        <source>Password for this workstation's SIP account:</source>
        <translation>本工作站 SIP 账号的密码：</translation>
    </message>
</context>
<context>
    <name>SmsDialog</name>
    <message>
        <source>Text messages</source>
        <translation>短信</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>号码</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>患者</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Delivery</source>
        <translation>送达状态</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Handled by</source>
        <translation>处理人</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>队列</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>已发送</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Replies</source>
        <translation>回复</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Mark reply handled</source>
        <translation>标记已处理</translation>
    </message>
    <message>
        <source>New message…</source>
        <translation>新短信…</translation>
    </message>
    <message>
        <source>Campaign…</source>
        <translation>群发…</translation>
    </message>
</context>
<context>
    <name>SmsModemLabel</name>
    <message>
        <source>SMS modem: signal %1</source>
        <translation>短信猫信号：%1</translation>
    </message>
</context>
<context>
    <name>SmsWindow</name>
    <message>
        <source>S&amp;MS</source>
        <translation>短信(&amp;M)</translation>
    </message>
    <message>
        <source>Text messages…</source>
        <translation>短信…</translation>
    </message>
</context>
<context>
    <name>StatisticsCharts</name>
    <message>
        <source>Follow-up rate</source>
        <translation>回访率</translation>
    </message>
    <message>
        <source>Success rate</source>
        <translation>成功率</translation>
    </message>
    <message>
        <source>Satisfaction (answered)</source>
        <translation>实访满意率</translation>
    </message>
    <message>
        <source>By month</source>
        <translation>月度趋势</translation>
    </message>
    <message>
        <source>By group</source>
        <translation>分组对比</translation>
    </message>
    <message>
        <source>Lost to follow-up, by reason</source>
        <translation>失访原因</translation>
    </message>
    <message>
        <source>No reason recorded</source>
        <translation>未记录原因</translation>
    </message>
</context>
<context>
    <name>StatisticsDialog</name>
    <message>
        <source>Statistics</source>
        <translation>统计</translation>
    </message>
    <message>
        <source>ICD-10, e.g. I63</source>
        <translation>ICD-10，如 I63</translation>
    </message>
    <message>
        <source>Only tasks whose principal diagnosis starts so</source>
        <translation>只统计主要诊断以此开头的任务</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>By</source>
        <translation>分组</translation>
    </message>
    <message>
        <source>Follow-up</source>
        <translation>随访</translation>
    </message>
    <message>
        <source>Workload</source>
        <translation>工作量</translation>
    </message>
    <message>
        <source>Recovery by disease</source>
        <translation>病种康复评分</translation>
    </message>
    <message>
        <source>Effect</source>
        <translation>效果统计</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>比较</translation>
    </message>
    <message>
        <source>Enter a disease (ICD-10 code prefix) to compare.</source>
        <translation>请输入疾病（ICD-10 编码前缀）进行比较。</translation>
    </message>
    <message>
        <source>Observational comparison: patients who were not reached may differ from those followed up; a difference does not prove that follow-up caused it.</source>
        <translation>观察性比较：未接通的患者与接受回访的患者本身可能不同，差异不能直接归因于回访。</translation>
    </message>
    <message>
        <source>Disease</source>
        <translation>疾病</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在读取…</translation>
    </message>
    <message>
        <source>%1, %2</source>
        <translation>%1，%2</translation>
    </message>
    <message>
        <source>Whole hospital (central server)</source>
        <translation>全院（中心库）</translation>
    </message>
    <message>
        <source>This workstation (offline)</source>
        <translation>本工作站（离线）</translation>
    </message>
    <message>
        <source>The central server did not answer (%1): these are this workstation's figures.</source>
        <translation>中心库无法连接（%1），以下为本工作站的数据。</translation>
    </message>
    <message>
        <source>%1, as of %2</source>
        <translation>%1，截至 %2</translation>
    </message>
</context>
<context>
    <name>SyncReviewDialog</name>
    <message>
        <source>Changes to review</source>
        <translation>待审核的同步修改</translation>
    </message>
    <message>
        <source>Nothing to review: every change reached the server.</source>
        <translation>没有需要审核的内容：所有修改都已到达服务器。</translation>
    </message>
    <message>
        <source>The central server did not take these changes. For each one, choose which version stays.</source>
        <translation>中心服务器没有接受以下修改。请逐条选择保留哪个版本。</translation>
    </message>
    <message>
        <source>Detected</source>
        <translation>发现时间</translation>
    </message>
    <message>
        <source>What</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Server's message</source>
        <translation>服务器提示</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>On this workstation</source>
        <translation>本机</translation>
    </message>
    <message>
        <source>On the server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <source>Someone changed this on another workstation before your change arrived.</source>
        <translation>在您的修改到达之前，其他工作站已修改了这条数据。</translation>
    </message>
    <message>
        <source>The server's version could not be saved on this workstation. Keeping it makes the next sync download everything afresh.</source>
        <translation>服务器上的版本无法保存到本机。选择保留服务器版本后，下次同步会重新下载全部数据。</translation>
    </message>
    <message>
        <source>The server refused this change.</source>
        <translation>服务器拒绝了这项修改。</translation>
    </message>
    <message>
        <source>Both versions hold the same values.</source>
        <translation>两个版本的内容相同。</translation>
    </message>
    <message>
        <source>No field values were kept: the server's message says why.</source>
        <translation>未保留字段内容：原因见服务器提示。</translation>
    </message>
    <message>
        <source>deleted</source>
        <translation>已删除</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>No</source>
        <translation>否</translation>
    </message>
    <message>
        <source>This cannot be done</source>
        <translation>无法执行此操作</translation>
    </message>
</context>
<context>
    <name>SyncSetup</name>
    <message>
        <source>The central server settings are wrong, so this workstation works alone for now:
%1</source>
        <translation>中心服务器的设置有误，本工作站暂时单机工作：
%1</translation>
    </message>
    <message>
        <source>The shared work queue is off: its journal cannot be read.
%1</source>
        <translation>共享任务队列已停用：无法读取其日志文件。
%1</translation>
    </message>
</context>
<context>
    <name>SyncStatus</name>
    <message>
        <source>The central server cannot be reached, so this task cannot be taken now: tasks already taken can still be called and finished.</source>
        <translation>无法连接中心服务器，暂时不能领取新任务；已领取的任务仍可拨打并完成。</translation>
    </message>
    <message>
        <source>The central server cannot confirm that this task is still yours, so the call was not started. Try again when the server answers.</source>
        <translation>中心服务器无法确认该任务仍由您负责，因此未发起呼叫。请在服务器恢复后重试。</translation>
    </message>
    <message>
        <source>Your hold on this task lapsed and it may be with a colleague now, so the call was not started. Refresh the worklist.</source>
        <translation>您对该任务的领取已过期，可能已由同事接手，因此未发起呼叫。请刷新工作列表。</translation>
    </message>
    <message>
        <source>A colleague at %1 is working on this task; it is not called twice.</source>
        <translation>同事（%1）正在处理该任务，不会重复拨打。</translation>
    </message>
    <message>
        <source>Another workstation is taking this task at this moment; try again.</source>
        <translation>另一工作站正在领取该任务，请稍后重试。</translation>
    </message>
    <message>
        <source>This task is already finished or cancelled on the central server.</source>
        <translation>该任务在中心服务器上已完成或已取消。</translation>
    </message>
    <message>
        <source>This task is not on the central server yet; it is sent with the next sync.</source>
        <translation>该任务尚未上传到中心服务器，将在下次同步时发送。</translation>
    </message>
    <message>
        <source>the central server cannot be reached</source>
        <translation>无法连接中心服务器</translation>
    </message>
    <message>
        <source>the central server refused this workstation (password?)</source>
        <translation>中心服务器拒绝了本工作站（密码？）</translation>
    </message>
    <message>
        <source>the central server settings are wrong</source>
        <translation>中心服务器设置有误</translation>
    </message>
    <message>
        <source>the central database is of another version</source>
        <translation>中心数据库版本不一致</translation>
    </message>
    <message>
        <source>the local disk is full</source>
        <translation>本机磁盘已满</translation>
    </message>
    <message>
        <source>local data was never synced</source>
        <translation>本机数据从未同步</translation>
    </message>
    <message>
        <source>sync failed</source>
        <translation>同步失败</translation>
    </message>
    <message>
        <source>Local only</source>
        <translation>仅本机</translation>
    </message>
    <message>
        <source>● Online</source>
        <translation>● 在线</translation>
    </message>
    <message>
        <source>○ Connecting…</source>
        <translation>○ 正在连接…</translation>
    </message>
    <message>
        <source>○ Offline: %1</source>
        <translation>○ 离线：%1</translation>
    </message>
    <message>
        <source>synced %1</source>
        <translation>同步于 %1</translation>
    </message>
    <message>
        <source>%1 waiting</source>
        <translation>待上传 %1</translation>
    </message>
    <message>
        <source>%1 to review</source>
        <translation>待审核 %1</translation>
    </message>
    <message>
        <source>Local work goes on whether or not the central server answers.</source>
        <translation>无论中心服务器是否可用，本机工作都不受影响。</translation>
    </message>
    <message>
        <source>Tasks held by this workstation: %1</source>
        <translation>本工作站已领取的任务：%1</translation>
    </message>
    <message>
        <source>Next try at %1</source>
        <translation>下次重试：%1</translation>
    </message>
    <message>
        <source>Click to review what the server refused.</source>
        <translation>点击审核服务器拒绝的修改。</translation>
    </message>
</context>
<context>
    <name>TaskListModel</name>
    <message>
        <source>Patient</source>
        <translation>患者</translation>
    </message>
    <message>
        <source>Record number</source>
        <translation>病案号</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>Department</source>
        <translation>科室</translation>
    </message>
    <message>
        <source>Plan</source>
        <translation>随访计划</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>应访日期</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Attempts</source>
        <translation>尝试次数</translation>
    </message>
</context>
<context>
    <name>TasksBehindDialog</name>
    <message>
        <source>Loading…</source>
        <translation>正在读取…</translation>
    </message>
    <message>
        <source>Open patient</source>
        <translation>打开患者</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Tasks shown: %1 of %2</source>
        <translation>显示 %1 / 共 %2 个任务</translation>
    </message>
    <message>
        <source>Tasks: %1</source>
        <translation>任务：%1</translation>
    </message>
</context>
<context>
    <name>Telephony</name>
    <message>
        <source>Headset: %1</source>
        <translation>耳机：%1</translation>
    </message>
    <message>
        <source>%1; the password is kept until you quit</source>
        <translation>%1；该密码仅在本次运行期间有效</translation>
    </message>
</context>
<context>
    <name>TicketDetailPanel</name>
    <message>
        <source>Reply for the department</source>
        <translation>科室回复</translation>
    </message>
    <message>
        <source>What the department did about it</source>
        <translation>科室的处理情况</translation>
    </message>
    <message>
        <source>Send reply</source>
        <translation>提交回复</translation>
    </message>
    <message>
        <source>Reroute</source>
        <translation>改派</translation>
    </message>
    <message>
        <source>Department:</source>
        <translation>科室：</translation>
    </message>
    <message>
        <source>Choose the suggestion</source>
        <translation>采用建议</translation>
    </message>
    <message>
        <source>Why (optional)</source>
        <translation>原因（可选）</translation>
    </message>
    <message>
        <source>Callback to the patient</source>
        <translation>回访患者</translation>
    </message>
    <message>
        <source>Satisfied with the handling:</source>
        <translation>对处理结果是否满意：</translation>
    </message>
    <message>
        <source>What the patient said</source>
        <translation>患者的意见</translation>
    </message>
    <message>
        <source>Record callback and close</source>
        <translation>记录回访并关闭</translation>
    </message>
    <message>
        <source>Close without callback</source>
        <translation>直接关闭</translation>
    </message>
    <message>
        <source>Dispute case record…</source>
        <translation>纠纷案卷…</translation>
    </message>
    <message>
        <source>Choose a ticket</source>
        <translation>请选择工单</translation>
    </message>
    <message>
        <source>No suggestion</source>
        <translation>暂无建议</translation>
    </message>
    <message>
        <source>Suggested: %1 (%2% sure, from %3 earlier tickets)</source>
        <translation>建议派发：%1（把握 %2%，依据 %3 张既往工单）</translation>
    </message>
    <message>
        <source>Patient: %1</source>
        <translation>患者：%1</translation>
    </message>
    <message>
        <source>Department: %1</source>
        <translation>科室：%1</translation>
    </message>
    <message>
        <source>Not routed</source>
        <translation>未派发</translation>
    </message>
    <message>
        <source>Source: %1</source>
        <translation>来源：%1</translation>
    </message>
    <message>
        <source>Severity: %1</source>
        <translation>严重程度：%1</translation>
    </message>
    <message>
        <source>Due: %1</source>
        <translation>时限：%1</translation>
    </message>
    <message>
        <source> (overdue)</source>
        <translation>（超时）</translation>
    </message>
    <message>
        <source>To the office after: %1</source>
        <translation>转医务处/护理部时间：%1</translation>
    </message>
    <message>
        <source>Routed by: %1</source>
        <translation>派发依据：%1</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>From a call; recording: %1</source>
        <translation>来自通话；录音：%1</translation>
    </message>
    <message>
        <source>Escalated to: %1</source>
        <translation>已升级至：%1</translation>
    </message>
    <message>
        <source>Assigned: %1</source>
        <translation>指派：%1</translation>
    </message>
</context>
<context>
    <name>TicketsDialog</name>
    <message>
        <source>Tickets</source>
        <translation>工单</translation>
    </message>
    <message>
        <source>Overdue only</source>
        <translation>仅超时</translation>
    </message>
    <message>
        <source>Department:</source>
        <translation>科室：</translation>
    </message>
    <message>
        <source>Kind:</source>
        <translation>类型：</translation>
    </message>
    <message>
        <source>State:</source>
        <translation>状态：</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>%1 tickets</source>
        <translation>%1 张工单</translation>
    </message>
</context>
<context>
    <name>TicketsModel</name>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>严重程度</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>患者</translation>
    </message>
    <message>
        <source>Department</source>
        <translation>科室</translation>
    </message>
    <message>
        <source>What was said</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>Opened</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>时限</translation>
    </message>
    <message>
        <source> (overdue)</source>
        <translation>（超时）</translation>
    </message>
    <message>
        <source>Not routed</source>
        <translation>未派发</translation>
    </message>
</context>
<context>
    <name>TodoButton</name>
    <message>
        <source>To-do: %1</source>
        <translation>待办：%1</translation>
    </message>
    <message>
        <source>Alerts: %1</source>
        <translation>预警：%1</translation>
    </message>
</context>
<context>
    <name>TodoDialog</name>
    <message>
        <source>To-do list</source>
        <translation>待办事项</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>患者</translation>
    </message>
    <message>
        <source>What</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Acknowledge…</source>
        <translation>确认处理…</translation>
    </message>
    <message>
        <source>Open the card</source>
        <translation>打开患者卡片</translation>
    </message>
    <message>
        <source>Acknowledge alert</source>
        <translation>确认处理预警</translation>
    </message>
    <message>
        <source>Note: what was done (optional)</source>
        <translation>处理备注（可选）</translation>
    </message>
</context>
<context>
    <name>TodoTray</name>
    <message>
        <source>To-do: %1</source>
        <translation>待办：%1</translation>
    </message>
    <message>
        <source>New to-do</source>
        <translation>新待办</translation>
    </message>
    <message>
        <source>and %1 more</source>
        <translation>另有 %1 项</translation>
    </message>
</context>
<context>
    <name>UnmaskReasonDialog</name>
    <message>
        <source>Show in full</source>
        <translation>显示完整信息</translation>
    </message>
    <message>
        <source>Why do you need to see this in full? The reason is written to the audit log with your name.</source>
        <translation>为什么需要查看完整信息？原因将与您的姓名一起记入审计日志。</translation>
    </message>
    <message>
        <source>Details (required for Other)</source>
        <translation>说明（选择“其他”时必填）</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>Choose a reason; for Other, say what it is.</source>
        <translation>请选择原因；选择“其他”时请填写具体说明。</translation>
    </message>
    <message>
        <source>This patient is not in your departments: identifiers stay masked.</source>
        <translation>该患者不属于您的科室，证件信息保持隐藏。</translation>
    </message>
</context>
<context>
    <name>WorklistModel</name>
    <message>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>应访日期</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>患者</translation>
    </message>
    <message>
        <source>Record no.</source>
        <translation>病案号</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>Department</source>
        <translation>科室</translation>
    </message>
    <message>
        <source>Plan</source>
        <translation>随访计划</translation>
    </message>
    <message>
        <source>Attempts</source>
        <translation>尝试次数</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Overdue: the follow-up window ended on %1</source>
        <translation>已逾期：随访窗口已于 %1 结束</translation>
    </message>
    <message>
        <source>%1 days overdue</source>
        <translation>逾期 %1 天</translation>
    </message>
    <message>
        <source>Draft</source>
        <translation>草稿</translation>
    </message>
</context>
<context>
    <name>WorkloadModel</name>
    <message>
        <source>Staff member</source>
        <translation>工作人员</translation>
    </message>
    <message>
        <source>Calls</source>
        <translation>通话数</translation>
    </message>
    <message>
        <source>Answered</source>
        <translation>接通通话</translation>
    </message>
    <message>
        <source>Talk minutes</source>
        <translation>通话分钟</translation>
    </message>
    <message>
        <source>Records</source>
        <translation>记录数</translation>
    </message>
    <message>
        <source>Average handling time</source>
        <translation>平均处理时长</translation>
    </message>
    <message>
        <source>(unassigned)</source>
        <translation>(未分配)</translation>
    </message>
</context>
</TS>