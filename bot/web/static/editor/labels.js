// @ts-check
/** The editor's wording: draft states, fields, problem codes, errors, audit actions. */

/** @type {Record<string, string>} */
export const DRAFT_STATUS = { editing: "编辑中", submitted: "待审核", approved: "已审核", published: "已发布", discarded: "已放弃" };
/** @type {Record<string, string>} */
export const DRAFT_STATUS_CLASS = { editing: "grey", submitted: "warn", approved: "", published: "ok", discarded: "grey" };
/** @type {Record<string, string>} */
export const VERSION_KINDS = { files: "读取文件", publish: "发布", rollback: "回滚" };
/** @type {Record<string, string>} how the matcher decided, for editors */
export const DECISIONS = { answer: "直接回答", clarify: "给出选项", none: "未匹配" };
/** @type {Record<string, string>} */
export const CHANGE_ACTIONS = { added: "新增", removed: "删除", changed: "修改", unchanged: "无变化" };
/** @type {Record<string, string>} */
export const FIELDS = {
  title: "标准问", similar: "相似问", answer: "答案", variants: "答案变体", links: "链接",
  tier: "级别", products: "产品线", keywords: "关键词", valid_from: "生效日期",
  valid_until: "失效日期", tree: "诊断树", category: "分类", disabled: "状态", id: "ID",
  ask: "提问", options: "选项", solution: "解决方案", unsolved: "没解决时", escalate: "转人工",
  description: "说明", start: "起点", skills: "技能", nodes: "节点", link: "链接", image: "图片",
  when: "条件", channel: "渠道", tags: "客户标签", label: "按钮文字", synonyms: "同义说法", summary: "摘要", message: "对用户说的话",
};
/** @type {Record<string, string>} */
export const PROBLEM_CODES = {
  too_few_similar: "相似问至少要 8 条", duplicate_phrasing: "相似问有重复",
  similar_repeats_title: "相似问和标准问重复", unknown_product: "未知的产品线",
  unknown_tag: "未知的客户标签", bad_window: "生效日期晚于失效日期",
  bad_url: "链接地址必须以 http:// 或 https:// 开头", empty: "不能为空", required: "必填",
  bad_id: "ID 格式不对", dead_end: "死胡同：指向了不存在的节点", orphan: "孤立节点：从起点走不到",
  loop: "路径成环，走不到结尾", duplicate_phrase: "选项的说法重复，用户输入时无法区分",
  duplicate_node: "节点 ID 重复", no_start: "起点节点不存在", empty_phrase: "选项说法为空",
  unknown_skill: "未知的技能", missing_controls: "缺少诊断树通用词表",
  unknown_category: "未知的分类", category_mismatch: "分类与 ID 不符（换分类请新建标准问）",
  duplicate_id: "ID 重复", orphan_phrasing: "相似问行前面没有对应的标准问行",
  bad_type: "类型只能是「标准问」或「相似问」", bad_status: "状态只能是「启用」或「停用」",
  unknown_id: "找不到这个标准问 ID", bad_workbook: "不是有效的 Excel 表格",
  bad_zip: "不是有效的 zip 文件", no_faq: "zip 里没有 faq 文件夹", bad_format: "只支持 .zip 或 .xlsx",
  too_large: "文件太大", bad_path: "zip 里有不安全的路径",
};
/** @type {Record<string, string>} */
export const ERRORS = {
  not_author: "只有草稿的作者可以这样操作", not_editing: "草稿已提交审核，不能再修改（可先撤回）",
  wrong_status: "草稿当前状态不允许这个操作", own_draft: "不能审核自己提交的草稿",
  not_reviewer: "需要审核员权限", not_approved: "草稿要先审核通过才能发布",
  stale: "有内容在草稿创建后已被他人发布修改，请撤回后重新编辑这些内容",
  confirm: "请确认删除", exists: "这个标准问已经有这个问法了", empty: "草稿里还没有改动",
  no_change: "文件与线上知识一致，没有改动", busy: "刚好有别人在发布，请再点一次", not_found: "找不到对象", invalid: "校验没有通过",
  http_401: "登录已过期，请重新登录", http_403: "没有权限进行这个操作",
  body_too_large: "内容太大", invalid_request: "请求格式不对",
  too_many_imports: "排队导入的文件太多，请稍后再试", interrupted: "导入被中断了（服务重启），请重新导入",
  import_failed: "导入没有成功，请稍后再试",
};
/** @type {Record<string, string>} */
export const AUDIT_ACTIONS = {
  "draft.create": "新建草稿", "question.edit": "编辑标准问", "question.create": "新建标准问",
  "question.disable": "停用标准问", "question.enable": "启用标准问", "question.delete": "删除标准问",
  "question.add_phrasing": "添加相似问", "tree.edit": "编辑诊断树", "tree.create": "新建诊断树",
  "tree.delete": "删除诊断树", "draft.revert": "撤销一项改动", "draft.submit": "提交审核",
  "draft.withdraw": "撤回", "draft.approve": "审核通过", "draft.reject": "退回",
  "draft.discard": "放弃草稿", "draft.publish": "发布", "version.rollback": "回滚",
  "version.files": "读取知识文件", "import.apply": "导入",
};
/** @type {Record<string, string>} */
export const NODE_KINDS = { question: "追问", solution: "解决方案", escalation: "转人工" };
