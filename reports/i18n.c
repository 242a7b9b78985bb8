/* accelbench — the message catalogue (i18n.h): one row per message id, English and
 * Chinese side by side so a translation is reviewed beside its source. Chinese terms are
 * those of procurement documents (技术偏离表, 满足 / 负偏离, 实质性要求), FlagPerf result
 * tables and the vendors' own tools (芯片功耗 / 整卡功耗), as docs/reports.md lists them.
 * Device, vendor and requirement texts never pass through here: they are data. */
#include "i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROW(id, en, zh) [id] = {#id, {en, zh}}

static const struct {
  const char *name;
  const char *text[AB_LANG_COUNT];
} catalogue[AB_M_COUNT] = {
    ROW(AB_M_TENDER_HEADING, "Tender compliance (technical deviation table)",
        "技术参数符合性（技术偏离表）"),
    ROW(AB_M_TENDER_INTRO,
        "Requirements from %s. Each figure is judged at the conservative end of its 95%% "
        "interval (the lower end of a rate, the upper end of a time, an energy or a power); a "
        "case that failed, crashed, timed out or returned a wrong result does not meet its "
        "requirement. A mandatory requirement that is not met, not measured or unsupported "
        "disqualifies the device.",
        "招标要求来自 %s。每项实测值按其95%%置信区间的保守端判定（速率取下限，时延、能耗、"
        "功耗取上限）；用例失败、异常退出、超时或结果错误均判为不满足。实质性要求任何一项"
        "不满足、未测或不支持，即为实质性要求未满足。"),
    ROW(AB_M_TENDER_SUMMARY, "Which device meets the tender", "各设备是否满足招标要求"),
    ROW(AB_M_TENDER_MATRIX, "Device \xc3\x97 requirement", "设备 \xc3\x97 招标要求"),
    ROW(AB_M_TENDER_DEVIATION_OF, "Deviation table: %s", "技术偏离表：%s"),
    ROW(AB_M_COL_DEVICE, "device", "设备"),
    ROW(AB_M_COL_DOMESTIC, "domestic product (declared)", "本国产品（声明）"),
    ROW(AB_M_COL_MET, "requirements met", "满足项数"),
    ROW(AB_M_COL_MANDATORY_FAILED, "mandatory requirements not met", "未满足的实质性要求"),
    ROW(AB_M_COL_OVERALL, "verdict", "结论"),
    ROW(AB_M_COL_NO, "No.", "序号"),
    ROW(AB_M_COL_ITEM, "tender item", "招标文件条目号"),
    ROW(AB_M_COL_REQUIREMENT, "requirement", "招标要求"),
    ROW(AB_M_COL_MEASURED, "measured (95% CI)", "实测值（95%置信区间）"),
    ROW(AB_M_COL_BOUND, "value judged", "判定值（保守端）"),
    ROW(AB_M_COL_DEVIATION, "deviation", "偏离"),
    ROW(AB_M_COL_VERDICT, "verdict", "判定"),
    ROW(AB_M_COL_NOTE, "note and evidence", "偏离说明及证据"),
    ROW(AB_M_OVERALL_OK, "meets every mandatory requirement", "满足全部实质性要求"),
    ROW(AB_M_OVERALL_FAIL, "does NOT meet the mandatory requirements", "实质性要求未满足"),
    ROW(AB_M_OVERALL_NO_MANDATORY, "no mandatory requirement in the tender",
        "招标文件无实质性要求"),
    ROW(AB_M_YES, "yes", "是"),
    ROW(AB_M_NO, "no", "否"),
    ROW(AB_M_MANDATORY, "mandatory", "实质性要求"),
    ROW(AB_M_VERDICT_MET, "met", "满足"),
    ROW(AB_M_VERDICT_NOT_MET, "not met", "不满足（负偏离）"),
    ROW(AB_M_VERDICT_NOT_MEASURED, "not measured", "未测"),
    ROW(AB_M_VERDICT_UNSUPPORTED, "unsupported", "不支持（N/A）"),
    ROW(AB_M_DEV_EXCEEDS, "exceeds by %s", "正偏离 %s"),
    ROW(AB_M_DEV_EXACT, "meets exactly", "无偏离"),
    ROW(AB_M_DEV_SHORT, "short by %s", "负偏离 %s"),
    ROW(AB_M_WHY_FIGURE, "case %s", "依据用例 %s"),
    ROW(AB_M_WHY_PRICE, "price: %s", "价格来源：%s"),
    ROW(AB_M_WHY_NO_CASE, "no such case in the run files", "运行结果中无此用例"),
    ROW(AB_M_WHY_UNSUPPORTED, "unsupported: %s", "不支持：%s"),
    ROW(AB_M_WHY_FAILED, "failed: %s", "失败：%s"),
    ROW(AB_M_WHY_IMPLAUSIBLE, "%s: faster than the device can be, not counted",
        "%s：超出设备能力上限，不予采信"),
    ROW(AB_M_WHY_NO_INTERVAL, "%s: fewer than 6 samples, so no 95%% interval",
        "%s：样本数少于6，无95%%置信区间"),
    ROW(AB_M_WHY_NO_POWER, "power not measured: %s", "功耗未测：%s"),
    ROW(AB_M_WHY_OTHER_SCOPE, "power was measured at another scope (%s) only",
        "功耗仅在其他口径（%s）测得"),
    ROW(AB_M_WHY_NO_TOKENS, "the kernel processes no tokens", "该算子不处理Token"),
    ROW(AB_M_WHY_NO_PRICE, "no price: %s", "无价格：%s"),
    ROW(AB_M_WHY_KINDS_MISSING, "not validated: %s", "未通过正确性校验：%s"),
    ROW(AB_M_WHY_DOMESTIC, "domestic product: price evaluated at %s", "本国产品：报价按%s评审"),
    ROW(AB_M_METRIC_THROUGHPUT, "throughput", "吞吐率"),
    ROW(AB_M_METRIC_LATENCY, "latency", "时延"),
    ROW(AB_M_METRIC_PERF_PER_WATT, "performance per watt", "能效比"),
    ROW(AB_M_METRIC_ENERGY_PER_OP, "energy per operation", "单位运算能耗"),
    ROW(AB_M_METRIC_ENERGY_PER_TOKEN, "energy per token", "每Token能耗"),
    ROW(AB_M_METRIC_COVERAGE, "coverage (kinds that run and validate)",
        "适配覆盖（须运行并通过正确性校验的算子）"),
    ROW(AB_M_METRIC_BOARD_POWER, "peak power", "峰值功耗"),
    ROW(AB_M_METRIC_PRICE, "unit price", "单价"),
    ROW(AB_M_SCOPE_BOARD, "board", "整卡"),
    ROW(AB_M_SCOPE_CHIP, "chip", "芯片"),
    ROW(AB_M_SCOPE_NODE, "node", "整机"),
    ROW(AB_M_SCOPE_ANY, "any scope", "任意"),
    ROW(AB_M_SCOPE_UNKNOWN, "unknown scope", "口径未知"),
    ROW(AB_M_KINDS_OF, "%zu of %zu kinds validated", "%zu / %zu 类算子通过校验"),
    ROW(AB_M_AT_SCOPE, "at %s", "%s口径"),
    ROW(AB_M_CONCLUSION_HEADING, "Conclusion", "测试结论"),
    ROW(AB_M_CONCLUSION_INTRO,
        "Per device (one library on one machine): the best validated GEMM rate of each dtype class "
        "(ok: checked against a float64 reference), its performance per watt with the power scope, "
        "the cost per unit of work, coverage and failures. The details follow.",
        "按设备（一台机器上的一个软件库）列出：各数据类型类别下通过正确性校验的最佳矩阵乘（GEMM）实"
        "测算力、对应能效比（注明功耗口径）、单位运算成本、适配覆盖和失败用例。详细结果见后文。"),
    ROW(AB_M_CLASS_FLOAT, "Floating point (GFLOP/s)", "浮点（GFLOP/s）"),
    ROW(AB_M_CLASS_INT, "Integer (GOP/s)", "整数（GOP/s）"),
    ROW(AB_M_COL_BEST_RATE, "best validated rate", "最佳实测算力（已校验）"),
    ROW(AB_M_COL_PERFW, "perf/W (power scope)", "能效比（功耗口径）"),
    ROW(AB_M_COL_COST_PER, "cost per %s (%s)", "每%s成本（%s）"),
    ROW(AB_M_COL_COVERAGE, "coverage (kinds validated / planned)",
        "适配覆盖（通过校验 / 计划的算子类数）"),
    ROW(AB_M_COL_FAILURES, "failures", "失败用例"),
    ROW(AB_M_CAPEX_ONLY, "capex only: power not measured", "仅购置成本：功耗未测"),
    ROW(AB_M_NO_COST_FILE, "no cost inputs (--cost)", "未提供成本参数（--cost）"),
    ROW(AB_M_NOT_MEASURED, "not measured", "未测"),
    ROW(AB_M_NONE, "none", "无"),
    ROW(AB_M_NO_CASE_OF_CLASS, "no validated GEMM of this class", "该类别无通过校验的矩阵乘用例"),
    ROW(AB_M_UNIT_PFLOP, "PFLOP", "PFLOP"),
    ROW(AB_M_UNIT_POP, "P-op", "P-op（千万亿次整数运算）"),
    ROW(AB_M_ST_OK, "ok", "正确性校验通过"),
    ROW(AB_M_ST_UNSUPPORTED, "unsupported", "不支持"),
    ROW(AB_M_ST_FAILED, "failed", "失败"),
    ROW(AB_M_ST_WRONG_RESULT, "wrong result", "结果错误"),
    ROW(AB_M_ST_CRASHED, "crashed", "异常退出（崩溃）"),
    ROW(AB_M_ST_TIMEOUT, "timed out", "超时"),
    ROW(AB_M_ST_SKIPPED, "skipped", "跳过（未执行）"),
    ROW(AB_M_ST_IMPLAUSIBLE, "implausible", "不可信（超出设备能力）"),
    ROW(AB_M_COST_HEADING, "Cost of ownership", "总拥有成本（TCO）"),
    ROW(AB_M_COST_INPUTS,
        "Inputs (%s): electricity %s %s per kWh, subsidy %s, PUE %s, %s years, utilisation %s. "
        "Energy is priced at the measured average power of the case, at its scope. Without a power "
        "meter only the capital cost is counted, labelled capex only.",
        "参数（%s）：电价 %s %s/千瓦时，补贴 %s，PUE %s，折旧年限 %s 年，利用率 "
        "%s。能耗按该用例实测平均功耗（注明口径）计价；无功耗测量时只计初期投资（购置成本），并标注"
        "“仅购置成本”。"),
    ROW(AB_M_COL_DTYPE, "dtype", "数据类型"),
    ROW(AB_M_COL_UNIT_PRICE, "unit price (%s)", "单价（%s）"),
    ROW(AB_M_COL_RATE, "rate", "实测算力"),
    ROW(AB_M_COL_AVG_W, "avg W (scope)", "平均功耗 W（口径）"),
    ROW(AB_M_COL_KWH_YEAR, "energy kWh/year", "年耗电量（千瓦时）"),
    ROW(AB_M_COL_ENERGY_COST, "energy cost/year (%s)", "年电费（%s）"),
    ROW(AB_M_COL_TOTAL_COST, "total cost (%s)", "总成本（%s）"),
    ROW(AB_M_COL_COST_PER_PETA, "cost per PFLOP or P-op (%s)", "每PFLOP或P-op成本（%s）"),
    ROW(AB_M_COL_MISSING, "not available", "缺项说明"),
    ROW(AB_M_NO_DECODER_COST,
        "Cost per million decoder tokens: not available: these run files hold no decoder-layer "
        "cases.",
        "每百万Token成本：无法给出，运行结果中无解码层（Decoder层）用例。"),
    ROW(AB_M_REPORT_TITLE, "accelbench report", "accelbench 测试报告"),
    ROW(AB_M_CMP_TITLE, "accelbench compare", "accelbench 对比报告"),
    ROW(AB_M_CMP_INTRO,
        "Baseline: %s. A ratio is subject / baseline of the rate (higher is faster) with its 95%% "
        "interval [subject low / baseline high, subject high / baseline low]: faster or slower "
        "only when that interval lies wholly above or below 1, otherwise within noise (always so "
        "below 6 samples).",
        "基线（对照设备）：%s。比值 = 被测设备速率 / 基线速率（越大越快），其95%%置信区间为 "
        "[被测下限 / 基线上限, 被测上限 / "
        "基线下限]"
        "；仅当该区间整体高于或低于1时判为更快或更慢，否则为差异在测量误差范围内（样本数少于6时总是"
        "如此）。"),
    ROW(AB_M_CMP_RANKING, "Ranking: geometric mean ratio to the baseline",
        "排名：相对基线的几何平均比值"),
    ROW(AB_M_CMP_RANKING_NOTE,
        "Ranked over the %zu kernel key(s) where every subject and the baseline are ok: the same "
        "keys for all. Own-keys figures use each subject's own keys, which differ: do not rank by "
        "them.",
        "按全部设备及基线均通过的 %zu "
        "个共同用例排名（各设备所用用例相同）。“自有用例”几何平均值使用各设备自己的用例集合，集合不"
        "同，不可据此排名。"),
    ROW(AB_M_COL_RANK, "rank", "排名"),
    ROW(AB_M_COL_GEOMEAN, "geometric mean ratio", "几何平均比值"),
    ROW(AB_M_COL_OWN_GEOMEAN, "own-keys geometric mean", "自有用例几何平均值"),
    ROW(AB_M_COL_OWN_KEYS, "own keys", "自有用例数"),
    ROW(AB_M_COL_STATUS, "status", "状态"),
    ROW(AB_M_COL_CI95, "95% CI", "95%置信区间"),
    ROW(AB_M_COL_RATIO, "ratio", "比值"),
    ROW(AB_M_COL_RATIO_CI, "ratio 95% CI", "比值95%置信区间"),
    ROW(AB_M_COL_ENERGY_OP, "energy/op", "单位运算能耗"),
    ROW(AB_M_COL_SCOPE, "power scope", "功耗口径"),
    ROW(AB_M_COL_KERNEL_KEY, "kernel key", "用例（算子、数据类型、形状）"),
    ROW(AB_M_CMP_KERNELS, "Kernels", "各用例结果"),
    ROW(AB_M_CMP_COVERAGE, "Coverage matrix", "适配覆盖矩阵"),
    ROW(AB_M_CMP_COVERAGE_INTRO,
        "Every kernel key in any run file and what each subject's case did; not run: the subject "
        "has no case with that key.",
        "任一运行结果中出现的每个用例及各设备的执行状态；未运行：该设备无此用例。"),
    ROW(AB_M_WARNINGS, "Read before comparing", "比较前须知"),
    ROW(AB_M_V_BASELINE, "baseline", "基线（对照设备）"),
    ROW(AB_M_V_FASTER, "faster", "更快（显著优于基线）"),
    ROW(AB_M_V_SLOWER, "slower", "更慢（显著劣于基线）"),
    ROW(AB_M_V_NOISE, "within noise", "差异在测量误差范围内（无显著差异）"),
    ROW(AB_M_V_DISTURBED, "disturbed: no verdict", "运行受干扰：不予判定"),
    ROW(AB_M_NOT_RUN, "not run", "未运行"),
    ROW(AB_M_NO_INTERVAL, "no interval", "无置信区间"),
    ROW(AB_M_H_RUN_FILES, "Run files", "运行结果文件"),
    ROW(AB_M_H_DEVICES, "Devices under test", "被测设备"),
    ROW(AB_M_H_BEST_GEMM, "Best GEMM rate per dtype", "各数据类型最佳矩阵乘（GEMM）实测算力"),
    ROW(AB_M_H_PERFW, "Performance per watt", "能效比"),
    ROW(AB_M_H_ROOFLINE, "Rooflines", "Roofline模型（屋顶线模型）"),
    ROW(AB_M_H_TIMELINES, "Power timelines", "功耗时间曲线"),
    ROW(AB_M_H_COVERAGE, "Coverage", "适配覆盖矩阵"),
    ROW(AB_M_H_SYSTEM, "System information", "测试环境（系统信息）"),
    ROW(AB_M_H_CASES, "Cases", "全部用例"),
    ROW(AB_M_H_SUMMARY, "Summary", "测试结果汇总"),
    ROW(AB_M_H_BACKENDS, "Backend modules", "后端模块"),
    ROW(AB_M_H_RESULTS_BY_DEVICE, "Results by device", "各设备测试结果"),
    ROW(AB_M_H_SECTIONS, "Sections", "章节"),
    ROW(AB_M_HTML_INTRO,
        "%zu run file(s), %zu subject(s) (a device with one library), %zu cases. Every figure is "
        "measured and read from the run files, except those labelled spec-sheet (from the device "
        "catalogue). \xe2\x80\x94 or not measured marks a figure the run could not produce; the "
        "reason is written beside it. Numbers have 3 significant digits (whole numbers from 1000 "
        "up); 1 GFLOP/s = 10\xe2\x81\xb9 operations per second, 1 GB/s = 10\xe2\x81\xb9 bytes per "
        "second.",
        "共 %zu 个运行结果文件、%zu 个被测对象（一台设备上的一个软件库）、%zu 个用例。除标注"
        "“标称”（来自设备目录）者外，所有数值均为实测值，读自运行结果文件。\xe2\x80\x94 "
        "或“未测”表示该项未能测得，原因注于其旁。数值保留3位有效数字（1000以上取整）；1 GFLOP/s = "
        "10\xe2\x81\xb9 次运算每秒，1 GB/s = 10\xe2\x81\xb9 字节每秒。"),
    ROW(AB_M_MD_INTRO,
        "Rendered from run files only; nothing was re-run. \xe2\x80\x94 means not measured or not "
        "applicable.",
        "本报告仅由运行结果文件生成，未重新运行任何测试。\xe2\x80\x94 表示未测或不适用。"),
    ROW(AB_M_NO_WARNINGS,
        "No warnings: the run files raised nothing the committee must weigh before comparing.",
        "无警告：运行结果中没有需要评审委员会在比较前特别考虑的事项。"),
    ROW(AB_M_PROV_HEADING, "Portable kernel, vendor library and spec sheet side by side",
        "可移植算子、厂商算子库与标称值对比"),
    ROW(AB_M_PROV_INTRO,
        "The same kernel, dtypes and shape on one device by each provider: the portable kernels "
        "(provider portable or native) beside the vendor libraries, and the catalogue's spec-sheet "
        "ceiling (peak of the dtype for compute-bound kinds, memory bandwidth for memory-bound "
        "ones). Memory-bound kinds are in GB/s.",
        "同一设备上同一算子、数据类型和形状，按实现方式（provider）并列：可移植算子（portable 或 "
        "native）与厂商算子库，以及设备目录中的标称上限（计算密集型算子取该数据类型的标称算力，访存"
        "密集型算子取标称显存带宽）。访存密集型算子以 GB/s 计。"),
    ROW(AB_M_COL_KERNEL, "kernel", "用例"),
    ROW(AB_M_COL_PORTABLE, "portable kernel", "可移植算子"),
    ROW(AB_M_COL_VENDOR, "vendor library", "厂商算子库"),
    ROW(AB_M_COL_SPEC, "spec-sheet ceiling", "标称上限"),
    ROW(AB_M_COL_PORT_VS_VENDOR, "portable / best vendor", "可移植 / 最佳厂商库"),
    ROW(AB_M_OF_MEASURED_BW, "%s of measured bandwidth", "实测带宽的%s"),
    ROW(AB_M_L_FILE, "file", "文件"),
    ROW(AB_M_L_HOST, "host", "主机"),
    ROW(AB_M_L_STARTED, "started (UTC)", "开始时间（UTC）"),
    ROW(AB_M_L_SUITE, "suite", "测试套件"),
    ROW(AB_M_L_COMPLETE, "complete", "是否完整"),
    ROW(AB_M_L_CASES, "cases", "用例数"),
    ROW(AB_M_L_BUNDLE, "bundle (accelbench verify)", "结果包校验（accelbench verify）"),
    ROW(AB_M_L_RUN, "run", "运行"),
    ROW(AB_M_L_BACKEND, "backend", "后端"),
    ROW(AB_M_L_ENABLED, "enabled", "已启用"),
    ROW(AB_M_L_MODULE, "module", "模块"),
    ROW(AB_M_L_SIZE, "size (bytes)", "大小（字节）"),
    ROW(AB_M_L_CATALOGUE, "catalogue entry", "设备目录条目"),
    ROW(AB_M_L_VENDOR, "vendor", "厂商"),
    ROW(AB_M_L_COUNTRY, "country", "产地"),
    ROW(AB_M_L_PROCUREMENT, "procurement list (declared)", "信创目录状态（声明）"),
    ROW(AB_M_L_TDP, "TDP, spec-sheet (W)", "热设计功耗TDP（标称，W）"),
    ROW(AB_M_L_IDLE, "idle (W)", "空闲功耗（W）"),
    ROW(AB_M_L_STATUS_COUNTS, "ok / unsupported / failed / wrong / crashed / timeout",
        "通过 / 不支持 / 失败 / 结果错误 / 崩溃 / 超时"),
    ROW(AB_M_L_SHAPE, "shape", "形状"),
    ROW(AB_M_L_VS_SPEC, "vs spec peak", "测试标定比例（对标称峰值）"),
    ROW(AB_M_L_VS_MEASURED, "vs measured peak", "对实测峰值之比"),
    ROW(AB_M_L_AVG_W, "avg W", "平均功耗（W）"),
    ROW(AB_M_L_SCOPE, "scope", "功耗口径"),
    ROW(AB_M_L_PERF_PER_W, "perf per W", "能效比"),
    ROW(AB_M_L_NET_OF_IDLE, "net of idle", "扣除空闲功耗后"),
    ROW(AB_M_L_ENERGY_PER_OP, "energy per op", "单位运算能耗"),
    ROW(AB_M_L_TIME, "time p5 / median / p95 (us)", "时延 P5 / 中位数 / P95（微秒）"),
    ROW(AB_M_L_IMPL, "implementation or reason", "实现或原因"),
    ROW(AB_M_BEST_GEMM_INTRO,
        "Fastest `ok` GEMM case of each input dtype per device. Efficiency is against the "
        "catalogue's spec-sheet peak and against the peak measured on the device (peak "
        "microbenchmark, or the host's FMA loop for a CPU). Power figures name their scope: do not "
        "rank figures of different scopes against each other.",
        "各设备每种输入数据类型下最快的已通过正确性校验的矩阵乘用例。"
        "效率分别相对设备目录中的标称峰值"
        "和在该设备上实测的峰值（峰值微基准，CPU为主机FMA循环）。功耗数值注明口径：不同口径的数值不"
        "可相互排名。"),
    ROW(AB_M_W_IMPLAUSIBLE_SPEC,
        "%s: implausible, not ranked: %.3g x the spec-sheet peak (margin %.2fx)",
        "%s：实测值不可信，不参与排名：为标称峰值的 %.3g 倍（容差 %.2f 倍）"),
    ROW(AB_M_W_IMPLAUSIBLE_MEASURED,
        "%s: implausible, not ranked: %.3g x the measured peak (margin %.2fx)",
        "%s：实测值不可信，不参与排名：为实测峰值的 %.3g 倍（容差 %.2f 倍）"),
    ROW(AB_M_W_DISTURBED,
        "%s: %zu cases ran while other processes or a hypervisor took the machine "
        "(interference.disturbed): their times are not comparable",
        "%s：%zu "
        "个用例运行时有其他进程或虚拟化层占用机器（interference.disturbed），其时延不可比较"),
    ROW(AB_M_W_MIXED_SCOPES,
        "power figures of different scopes (%s) are in this report: a node meter counts the whole "
        "machine, a board or chip source only the device; do not rank perf/W or energy across "
        "scopes",
        "本报告含不同口径的功耗数据（%s）：整机功耗计入整台机器，整卡或芯片功耗只计设备本身；"
        "不同口径的能效比和能耗不可相互排名"),
    ROW(AB_M_W_CUT_SHORT,
        "%s: the run was cut short (complete: false); cases not reached are missing or skipped",
        "%s：运行被提前中止（complete: false），未执行到的用例缺失或跳过"),
    ROW(AB_M_W_VERSIONS,
        "run files come from different accelbench versions (%s, %s); compare cases with the same "
        "key only",
        "运行结果文件来自不同的 accelbench 版本（%s、%s），只比较用例相同的结果"),
    ROW(AB_M_W_SUITES,
        "run files come from different suites (%s, %s); only cases with the same kernel key are "
        "compared",
        "运行结果文件来自不同的测试套件（%s、%s），只比较用例相同的结果"),
    ROW(AB_M_W_NO_CATALOG,
        "%s: no device catalogue entry (%s); spec-sheet efficiency, TDP and price are not shown",
        "%s：设备目录中无对应条目（%s），不显示对标称值的效率、TDP和价格"),
    ROW(AB_M_W_CLOCK_FELL,
        "%zu case(s) ran while the CPU clock fell by more than 5%% (thermal or power throttling): "
        "their figures understate the device",
        "%zu 个用例运行期间CPU频率下降超过5%%（过热或功耗降频），其结果低估了设备性能"),
    ROW(AB_M_N_VERSIONS, "%s was written by accelbench %s, %s by %s: compared on common keys only",
        "%s 由 accelbench %s 生成，%s 由 %s 生成：只比较共同用例"),
    ROW(AB_M_N_SUITES, "%s ran suite \"%s\", %s suite \"%s\": compared on common keys only",
        "%s 运行测试套件“%s”，%s 运行测试套件“%s”：只比较共同用例"),
    ROW(AB_M_N_CUT_SHORT,
        "%s: the run was cut short (complete: false); cases it did not reach are missing",
        "%s：运行被提前中止（complete: false），未执行到的用例缺失"),
    ROW(AB_M_N_SCOPES,
        "power scopes differ (%s): a node meter counts the whole machine, a board or chip source "
        "only the device; do not rank perf/W or energy across scopes",
        "功耗口径不同（%s）：整机功耗计入整台机器，整卡或芯片功耗只计设备本身；不同口径的能效比和"
        "能耗不可相互排名"),
    ROW(AB_M_N_DISTURBED,
        "%zu faster/slower verdicts withheld: a side ran while other processes or a hypervisor "
        "took "
        "the machine (interference; --allow-disturbed gives them)",
        "%zu 项更快/更慢判定未给出：一方运行时有其他进程或虚拟化层占用机器（受干扰；"
        "--allow-disturbed 可给出判定）"),
    ROW(AB_M_HTML_TITLE, "%s (%zu run file(s))", "%s（%zu 个运行结果文件）"),
    ROW(AB_M_POWER_REF, "scope %s, source %s", "功耗口径：%s，数据来源：%s"),
    ROW(AB_M_POWER_REF_COVERS, "scope %s, source %s, covers %s",
        "功耗口径：%s，数据来源：%s，测量范围：%s"),
    ROW(AB_M_POWER_COVERS, "covers %s", "测量范围：%s"),
    ROW(AB_M_HTML_BEST_GEMM_INTRO,
        "Each subject's fastest ok GEMM case per input dtype. Efficiency vs spec-sheet divides by "
        "the catalogue's dense peak; vs measured peak by the subject's own peak microbenchmark or "
        "FMA loop (its source shows on hover). Perf/W is over the case's timed window; net "
        "subtracts the idle baseline. Figures of different power scopes must not be ranked against "
        "each other.",
        "各被测对象每种输入数据类型下最快的通过正确性校验的矩阵乘用例。对标称峰值的效率以设备目录中"
        "的稠密标称峰值为分母；对实测峰值的效率以该对象自身的峰值微基准或FMA循环为分母（来源见悬停"
        "提示）。能效比按该用例计时窗口计算；“扣除空闲功耗后”减去空闲功耗。不同功耗口径的数值不可相"
        "互排名。"),
    ROW(AB_M_BAR_SCOPE, "%s \xc2\xb7 scope %s (%s)", "%s \xc2\xb7 功耗口径 %s（%s）"),
    ROW(AB_M_BAR_GROSS, "%s %s gross", "%s %s（未扣除空闲功耗）"),
    ROW(AB_M_BAR_NET, "%s %s net of idle", "%s %s（扣除空闲功耗后）"),
    ROW(AB_M_BAR_NET_SHORT, "net %s", "净 %s"),
    ROW(AB_M_BAR_NET_NONE, "net of idle: %s", "扣除空闲功耗后：%s"),
    ROW(AB_M_PER_W, "%s per W", "%s/W"),
    ROW(AB_M_PERFW_CAPTION,
        ". Each bar is the subject's most efficient ok case (shape shown); the lighter bar is net "
        "of the idle baseline.",
        "。每根柱为该被测对象能效最高的通过校验用例（注明形状）；浅色柱为扣除空闲功耗后的数值。"),
    ROW(AB_M_PERFW_MIXED,
        "Power scopes differ between these bars (chip, board, node measure different things): do "
        "not rank them against each other.",
        "这些柱的功耗口径不同（芯片、整卡、整机所测对象不同）：不可相互排名。"),
    ROW(AB_M_PERFW_NOT_MEASURED_FOR, "Not measured for %s: %s", "%s 未测：%s"),
    ROW(AB_M_PERFW_NONE,
        "Not measured: no run file has a power figure for any case; a spec-sheet TDP is never used "
        "in place of a measurement.",
        "未测：所有运行结果文件中均无任何用例的功耗数据；不以标称TDP代替实测值。"),
    ROW(AB_M_RUN_N, "Run %zu", "运行 %zu"),
    ROW(AB_M_RUN_N_WHY, "Run %zu: %s", "运行 %zu：%s"),
    ROW(AB_M_ROOF_MEMORY, "memory %s GB/s", "显存带宽 %s GB/s"),
    ROW(AB_M_ROOF_PEAK_AT, "%s peak %s", "%s 峰值 %s"),
    ROW(AB_M_ROOF_PEAK_OF, "%s peak", "%s 峰值"),
    ROW(AB_M_ROOF_COMPUTE_CEILING, "%s compute ceiling", "%s 算力上限"),
    ROW(AB_M_ROOF_POINT, "%s: %s %s at %s %s/byte (%s)", "%s：%s %s，算术强度 %s %s/byte（%s）"),
    ROW(AB_M_ROOF_CAPTION, ": roofline, log-log; hover a point for its case. Ceilings",
        "：Roofline模型，双对数坐标；悬停数据点可见其用例。上限"),
    ROW(AB_M_ROOF_NONE, "%s: no ok case with FLOPs, so no roofline.",
        "%s：无计算浮点运算量的通过校验用例，无法绘制Roofline图。"),
    ROW(AB_M_ROOF_TITLE, "Roofline of %s", "%s 的Roofline图"),
    ROW(AB_M_ROOF_X_AXIS, "arithmetic intensity (FLOP or op per byte, log scale)",
        "算术强度（FLOP或op/byte，对数坐标）"),
    ROW(AB_M_ROOF_Y_AXIS, "GFLOP/s, or GOP/s for int8 (log scale)",
        "GFLOP/s，int8为GOP/s（对数坐标）"),
    ROW(AB_M_ROOF_INTRO,
        "Points are ok cases at their arithmetic intensity (FLOPs per byte of minimum memory "
        "traffic) and median rate. Ceilings are measured on the same device in the same run (the "
        "peak and memory bandwidth microbenchmarks, or for a CPU the FMA loop), not taken from a "
        "spec sheet. Every roofline shares one y range, so heights compare across devices.",
        "数据点为通过校验的用例，横坐标为其算术强度（每字节最小访存量的浮点运算数），纵坐标为其速率"
        "中位数。上限为同一设备在同一次运行中实测（峰值和显存带宽微基准，CPU为FMA循环），不取自标称"
        "值。所有Roofline图纵轴范围相同，高度可跨设备比较。"),
    ROW(AB_M_TL_TITLE, "Power timeline of %s", "%s 的功耗时间曲线"),
    ROW(AB_M_TL_FIGURES, "; average %s W, peak %s W", "；平均 %s W，峰值 %s W"),
    ROW(AB_M_TL_MORE,
        "%zu more case(s) of this subject with a timeline not drawn (the first %d are shown; all "
        "are in the run file).",
        "该被测对象另有 %zu 个用例的功耗时间曲线未绘出（仅显示前 %d "
        "个；全部数据见运行结果文件）。"),
    ROW(AB_M_N_MORE, " (+%zu more)", "（另有 %zu 个）"),
    ROW(AB_M_N_CASES, "%zu case(s)", "%zu 个用例"),
    ROW(AB_M_HTML_COVERAGE_INTRO,
        "Status of every planned case (kernel, dtypes, shape) on every subject, with the reason "
        "under each one that is not ok. not planned: the run file has no such case for that "
        "subject.",
        "每个被测对象上每个计划用例（算子、数据类型、形状）的状态，未通过者注明原因。未计划：运行结"
        "果文件中该被测对象无此用例。"),
    ROW(AB_M_NET_NOT_MEASURABLE, "not measurable: %s", "无法测得：%s"),
    ROW(AB_M_X_PCT_MEASURED, "% of measured peak", "对实测峰值之比"),
    ROW(AB_M_X_PCT_SPEC, "% of spec-sheet peak", "测试标定比例（对标称峰值）"),
    ROW(AB_M_X_EMPTY, "(empty)", "（空）"),
    ROW(AB_M_X_TOO_DEEP, "(nested too deep; see the run file)", "（嵌套过深，见运行结果文件）"),
    ROW(AB_M_X_CATALOG_SOURCES,
        "Catalogue sources (spec-sheet figures):", "设备目录来源（标称值）："),
    ROW(AB_M_X_COMMAND, "Command", "命令"),
    ROW(AB_M_X_HOST_OBJECT, "Host (system object of the run file)",
        "主机（运行结果文件中的系统信息）"),
    ROW(AB_M_X_NO_TIMELINE, "No case has a power timeline: power was not measured.",
        "无用例有功耗时间曲线：功耗未测。"),
    ROW(AB_M_X_POWER_SOURCES, "Power sources of the run", "本次运行的功耗数据来源"),
    ROW(AB_M_X_TDP_SPEC, "TDP (W, spec-sheet)", "热设计功耗TDP（W，标称）"),
    ROW(AB_M_X_NO_TDP, "TDP not in the catalogue entry", "设备目录条目中无TDP"),
    ROW(AB_M_X_AVG_POWER, "avg power (W)", "平均功耗（W）"),
    ROW(AB_M_X_CASES_OK, "cases (ok)", "用例（通过校验）"),
    ROW(AB_M_X_CATALOG_VENDOR_MODEL, "catalogue: vendor, model", "设备目录：厂商、产品型号"),
    ROW(AB_M_X_CEILINGS, "ceilings (measured)", "上限（实测）"),
    ROW(AB_M_X_CLOCK_FELL, "clock fell during the case", "用例运行期间频率下降"),
    ROW(AB_M_X_COMPUTE_UNITS, "compute units", "计算单元数"),
    ROW(AB_M_X_COUNTRY_OF_ORIGIN, "country of origin", "产地"),
    ROW(AB_M_X_CPU, "cpu", "CPU"),
    ROW(AB_M_X_GPU, "gpu", "GPU"),
    ROW(AB_M_X_NPU, "npu", "NPU"),
    ROW(AB_M_X_OTHER, "other", "其他"),
    ROW(AB_M_X_UNKNOWN, "unknown", "未知"),
    ROW(AB_M_X_DESCRIPTION, "description", "说明"),
    ROW(AB_M_X_DRIVER, "driver", "驱动版本"),
    ROW(AB_M_X_FINISHED, "finished (UTC)", "结束时间（UTC）"),
    ROW(AB_M_X_HARNESS, "harness", "测试工具版本"),
    ROW(AB_M_X_IDLE, "idle", "空闲功耗"),
    ROW(AB_M_X_IMPLEMENTATION, "implementation", "实现"),
    ROW(AB_M_X_MAX_CLOCK, "max clock (MHz, reported)", "最高频率（MHz，设备上报）"),
    ROW(AB_M_X_MEMORY_GIB, "memory (GiB)", "显存/内存（GiB）"),
    ROW(AB_M_X_MEMORY_BW, "memory bandwidth", "显存带宽"),
    ROW(AB_M_X_MEMORY_BW_CEILING, "memory bandwidth ceiling", "显存带宽上限"),
    ROW(AB_M_X_MISMATCHES, "mismatches / checked", "不一致元素数 / 校验元素数"),
    ROW(AB_M_X_NAME, "name", "名称"),
    ROW(AB_M_X_NEVER_FINISHED, "never finished", "未结束"),
    ROW(AB_M_X_NO_CATALOG, "no catalogue entry", "设备目录中无对应条目"),
    ROW(AB_M_X_NO_ENTRY_MATCHED, "no entry matched", "无匹配条目"),
    ROW(AB_M_X_NO_FIGURE_BW, "no figure for bandwidth kernels", "带宽类算子无此数值"),
    ROW(AB_M_X_NO_MEASURED_CEILING, "no measured ceiling", "无实测上限"),
    ROW(AB_M_X_NO_NET_BW, "no net figure for bandwidth kernels",
        "带宽类算子无扣除空闲功耗后的数值"),
    ROW(AB_M_X_NO_OK_GEMM, "no ok GEMM case in any run file",
        "所有运行结果文件中均无通过校验的矩阵乘用例"),
    ROW(AB_M_X_NO_PER_W, "no per-W figure for this case", "该用例无能效比数值"),
    ROW(AB_M_X_NO_POWER_FIGURE, "no power figure in the run file", "运行结果文件中无功耗数据"),
    ROW(AB_M_X_NO_RATE_STATUS, "no rate unless status is ok", "仅通过校验的用例有速率"),
    ROW(AB_M_X_NO_RATE_ZERO, "no rate: zero work or time", "无速率：运算量或时间为零"),
    ROW(AB_M_X_NO_SPEC_PEAK, "no spec-sheet peak", "无标称峰值"),
    ROW(AB_M_X_NO_SPEC_PEAK_DTYPE, "no spec-sheet peak for this dtype", "该数据类型无标称峰值"),
    ROW(AB_M_X_NO_IDLE, "no valid idle baseline", "无有效的空闲功耗基线"),
    ROW(AB_M_X_NO_POWER_WINDOW, "no valid power window", "无有效的功耗测量窗口"),
    ROW(AB_M_X_CUT_SHORT, "no: cut short; its cases are not all there",
        "否：运行被提前中止，用例不全"),
    ROW(AB_M_X_NONE_GIVEN, "none given", "未给出"),
    ROW(AB_M_X_NOT_CHECKED, "not checked", "未校验"),
    ROW(AB_M_X_NM_NO_IDLE, "not measured (no valid idle baseline)", "未测（无有效的空闲功耗基线）"),
    ROW(AB_M_X_NM_CAPTION, "not measured (reason in the caption)", "未测（原因见图注）"),
    ROW(AB_M_X_NOT_PLANNED, "not planned", "未计划"),
    ROW(AB_M_X_NOT_REPORTED, "not reported", "设备未上报"),
    ROW(AB_M_X_NOT_TIMED, "not timed", "未计时"),
    ROW(AB_M_X_PEAK_COMPUTE, "peak compute", "峰值算力"),
    ROW(AB_M_X_PER_W_UNIT, "per W (rate unit / W)", "能效比（速率单位/W）"),
    ROW(AB_M_X_POWER_W, "power (W)", "功耗（W）"),
    ROW(AB_M_X_POWER_SCOPE_SOURCE, "power (scope, source)", "功耗（口径、数据来源）"),
    ROW(AB_M_X_POWER_FIGURE, "power figure", "功耗数据"),
    ROW(AB_M_X_POWER_NO_FIGURE, "power measured but no valid figure", "已测功耗，但无有效数值"),
    ROW(AB_M_X_PROCUREMENT_AS_DECLARED, "procurement list (as declared)", "信创目录状态（声明）"),
    ROW(AB_M_X_RATE_MEDIAN, "rate (median)", "实测算力（中位数）"),
    ROW(AB_M_X_RATE_PER_W, "rate per W", "能效比"),
    ROW(AB_M_X_RATE_PER_W_NET, "rate per W, net of idle", "能效比（扣除空闲功耗后）"),
    ROW(AB_M_X_RATE_MEDIAN_CI, "rate: median (95% CI)", "速率：中位数（95%置信区间）"),
    ROW(AB_M_X_REASON, "reason", "原因"),
    ROW(AB_M_X_RUN_FILE, "run file", "运行结果文件"),
    ROW(AB_M_X_RUNTIME, "runtime", "软件栈版本"),
    ROW(AB_M_X_SUBJECT, "subject", "被测对象"),
    ROW(AB_M_X_SUBJECT_DEVICE_LIB, "subject (device, library)", "被测对象（设备、软件库）"),
    ROW(AB_M_X_NO_POWER_SOURCES, "the run file records no power sources",
        "运行结果文件未记录功耗数据来源"),
    ROW(AB_M_X_TIME_WINDOW, "time in the timed window (s)", "计时窗口内时间（s）"),
    ROW(AB_M_X_TIME_PER_CALL, "time per call (ms): p5 / median / p95",
        "单次调用时延（ms）：P5 / 中位数 / P95"),
    ROW(AB_M_X_TIMELINE_MALFORMED, "timeline has fewer than 2 points or is malformed",
        "功耗时间曲线少于2个点或格式错误"),
    ROW(AB_M_X_TYPE, "type", "类型"),
    ROW(AB_M_X_UNKNOWN_NULL, "unknown (null in the run file)", "未知（运行结果文件中为null）"),
    ROW(AB_M_X_WHY_NOT, "why not", "未启用原因"),
    ROW(AB_M_CMP_MD_INTRO,
        ". A ratio is subject / baseline of the rate (higher is faster); its 95%% interval is "
        "[subject low / baseline high, subject high / baseline low]. A verdict is \"within noise\" "
        "when that interval contains 1, or when there is no interval (a case with fewer than %d "
        "samples has none).",
        "。比值 = 被测设备速率 / 基线速率（越大越快），其95%%置信区间为 [被测下限 / 基线上限, "
        "被测上限 / 基线下限]。该区间包含1或无置信区间时（样本数少于 %d "
        "的用例无置信区间），判定为“差异在测量误差范围内”。"),
    ROW(AB_M_CMP_NO_HEADLINE,
        "No kernel key is ok for every subject, so there is no headline geometric mean (one key "
        "set shared by all); see the own-keys columns.",
        "没有所有被测对象均通过的用例，因此无统一的几何平均值（需所有对象共用同一用例集合）；见“自"
        "有用例”各列。"),
    ROW(AB_M_CMP_HEADLINE,
        "Headline: over the %zu kernel key(s) where every subject and the baseline are ok "
        "\xe2\x80\x94 the same keys for every subject, so subjects rank by it: ",
        "排名依据：全部被测对象及基线均通过的 %zu 个用例（各对象所用用例相同，可据此排名）："),
    ROW(AB_M_CMP_HEADLINE_END, ".", "。"),
    ROW(AB_M_CMP_OWN_KEYS_NOTE,
        "Own keys: each subject's geometric mean over the common keys where it and the baseline "
        "are ok. These key sets differ between subjects: do not rank by them.",
        "自有用例：各被测对象在其自身与基线均通过的共同用例上的几何平均值。各对象的用例集合不同，不"
        "可据此排名。"),
    ROW(AB_M_CMP_GEOMEAN_HEAD, "geometric mean ratio (the same %zu key(s) for all)",
        "几何平均比值（全部对象相同的 %zu 个用例）"),
    ROW(AB_M_CMP_N_COMMON, "%zu kernel key(s) common to every run file.",
        "所有运行结果文件共有的用例 %zu 个。"),
    ROW(AB_M_X_SUBJECTS, "Subjects", "被测对象"),
    ROW(AB_M_X_WARNING, "Warning", "警告"),
    ROW(AB_M_X_PERF_W, "perf/W", "能效比"),
    ROW(AB_M_X_LEFT_OUT, "Left out", "未比较的用例"),
    ROW(AB_M_X_LEFT_OUT_INTRO, "Kernel keys that some run files do not have: not compared.",
        "部分运行结果文件中没有的用例：不作比较。"),
    ROW(AB_M_X_MISSING_FROM, "missing from", "缺少该用例的文件"),
    ROW(AB_M_X_BASELINE_CAP, "Baseline", "基线（对照设备）"),
    ROW(AB_M_X_NET, "net", "净值"),
    ROW(AB_M_X_NO_CUT_SHORT, "NO (cut short)", "否（运行被提前中止）"),
    ROW(AB_M_P_QUOTE, "quote from %s (cost.unit_prices.%s)", "报价来自 %s（cost.unit_prices.%s）"),
    ROW(AB_M_P_CATALOGUE_AT, "catalogue price of %s (%s:%d)", "设备目录价格：%s（%s:%d）"),
    ROW(AB_M_P_CATALOGUE, "catalogue price of %s", "设备目录价格：%s"),
    ROW(AB_M_P_NO_ENTRY, "no unit price: the device has no catalogue entry",
        "无单价：该设备在设备目录中无对应条目"),
    ROW(AB_M_P_NO_CATALOGUE, "no catalogue entry, so no unit price",
        "设备目录中无对应条目，故无单价"),
    ROW(AB_M_P_NEITHER, "no unit price: neither catalogue entry %s nor cost.unit_prices gives one",
        "无单价：设备目录条目 %s 和 cost.unit_prices 均未给出"),
    ROW(AB_M_P_CURRENCY,
        "no unit price: the catalogue price of %s is in %s, the cost file's currency is %s "
        "(no conversion; add a quote under cost.unit_prices.%s)",
        "无单价：%s 的目录价格以 %s 计价，成本文件的币种为 %s（不做汇率换算；请在 "
        "cost.unit_prices.%s 下填写报价）"),
    ROW(AB_M_P_NO_CONVERSION, "no unit price in %s for %s (no conversion between currencies)",
        "无以 %s 计价的 %s 单价（不做币种换算）"),
    ROW(AB_M_C_NO_MATCH,
        "no catalogue entry matches %s device '%s' (vendor '%s', type %s) among %zu entries",
        "设备目录的条目均不匹配 %s 设备“%s”（厂商“%s”，类型 %s；共 %zu 个条目）"),
    ROW(AB_M_C_NEAR, "%s (%s:%d) matches the name but wants %s", "%s（%s:%d）名称匹配，但要求 %s"),
    ROW(AB_M_C_NO_DEVICE, "the run file lists no device %s:%u", "运行结果文件未列出设备 %s:%u"),
    ROW(AB_M_T_VERIFIED, "verified (%s)", "已验证（%s）"),
    ROW(AB_M_T_UNSIGNED, "unsigned", "未签名"),
    ROW(AB_M_T_NOT_VERIFIED, "not verified (%s)", "未通过验证（%s）"),
    ROW(AB_M_T_NOT_BUNDLE, "not verified (no %s beside it: not a run bundle)",
        "未验证（同目录下无 %s：不是结果包）"),
    ROW(AB_M_T_UNTRUSTED_KEY, "not verified (signed by %s; no --public-key given to check it)",
        "未验证（由 %s 签名；未给出 --public-key，无法核验签名）"),
    ROW(AB_M_CEILING_CASE, "%s case (%s)", "%s 用例（%s）"),
    ROW(AB_M_CEILING_HOST, "system.cpu.fma_peak_gflops_measured",
        "主机FMA实测峰值（system.cpu.fma_peak_gflops_measured）"),
    ROW(AB_M_WHY_FAILED_AS, "%s: %s", "%s：%s"),
    ROW(AB_M_KIND_STATUS, "%s (%s)", "%s（%s）"),
    ROW(AB_M_G_TITLE, "accelbench compare: CI gate", "accelbench compare：CI 门禁"),
    ROW(AB_M_G_BASELINE, "baseline", "基线"),
    ROW(AB_M_G_CURRENT, "current", "本次运行"),
    ROW(AB_M_G_INPUT, "%s (started %s, accelbench %s, suite %s)",
        "%s（开始于 %s，accelbench %s，测试套件 %s）"),
    ROW(AB_M_G_INPUT_BUNDLE, "%s (started %s, accelbench %s, suite %s; bundle %s)",
        "%s（开始于 %s，accelbench %s，测试套件 %s；结果包校验：%s）"),
    ROW(AB_M_G_THRESHOLD,
        "threshold: a case regresses when it is more than %.4g%% slower and the ratio's 95%% "
        "interval lies wholly below 1",
        "阈值：用例变慢超过 %.4g%% 且比值的95%%置信区间整体低于1，即判为性能回退"),
    ROW(AB_M_G_RESULT,
        "**Result: %s** \xe2\x80\x94 %zu regressed, %zu newly failed, %zu newly wrong, %zu newly "
        "unsupported; %zu missing, %zu new, %zu not ok, %zu fixed, %zu pass",
        "**结论：%s** \xe2\x80\x94 性能回退 %zu，新失败 %zu，新结果错误 %zu，新不支持 %zu；"
        "缺失 %zu，新增 %zu，未通过（非新增）%zu，已修复 %zu，通过 %zu"),
    ROW(AB_M_G_PASS, "PASS", "通过"),
    ROW(AB_M_G_FAIL, "FAIL", "不通过"),
    ROW(AB_M_G_CHECK_FAILED, "Gate failure (%s):", "门禁不通过（%s）："),
    ROW(AB_M_G_CHECK_COMPLETE, "incomplete run", "运行不完整"),
    ROW(AB_M_G_CHECK_OVERLAP, "nothing compared", "无可比较的用例"),
    ROW(AB_M_G_CHECK_VERIFIED, "unverified input", "输入未经验证"),
    ROW(AB_M_G_MISSING_WARNING,
        "**Warning: %zu of the baseline's %zu cases are missing from the current run** (listed "
        "under Missing): they were not compared",
        "**警告：基线的 %zu 个用例（共 %zu 个）在本次运行中缺失**（见“缺失”一节）：未作比较"),
    ROW(AB_M_G_WARNING, "**Warning:**", "**警告：**"),
    ROW(AB_M_G_COL_CASE, "case", "用例"),
    ROW(AB_M_G_COL_DETAIL, "detail", "详情"),
    ROW(AB_M_G_S_REGRESSED, "Regressed", "性能回退"),
    ROW(AB_M_G_S_NEWLY_FAILED, "Newly failed", "新失败"),
    ROW(AB_M_G_S_NEWLY_WRONG, "Newly wrong", "新结果错误"),
    ROW(AB_M_G_S_NEWLY_UNSUPPORTED, "Newly unsupported", "新不支持"),
    ROW(AB_M_G_S_MISSING, "Missing", "缺失"),
    ROW(AB_M_G_S_NEW, "New", "新增"),
    ROW(AB_M_G_S_NOT_OK, "Not ok (not new)", "未通过（非新增）"),
    ROW(AB_M_G_S_FIXED, "Fixed", "已修复"),
    ROW(AB_M_G_S_PASS, "Pass", "通过"),
    ROW(AB_M_G_WHY_REGRESSED, "slower beyond the threshold, outside noise",
        "变慢超过阈值，且超出噪声范围"),
    ROW(AB_M_G_WHY_NO_INTERVAL,
        "no interval to tell a change from noise (fewer than %d samples): not a regression",
        "无置信区间，无法区分变化与噪声（样本数少于%d）：不判为性能回退"),
    ROW(AB_M_G_WHY_FASTER, "faster", "更快"),
    ROW(AB_M_G_WHY_SLOWER, "slower, within the threshold", "变慢，但在阈值以内"),
    ROW(AB_M_G_WHY_NOISE, "within noise", "在噪声范围内"),
    ROW(AB_M_G_NO_RATE, "no rate to compare (%s)", "无可比较的速率（%s）"),
    ROW(AB_M_G_NO_UNIT, "no unit", "无单位"),
    ROW(AB_M_G_RATIO, "ratio %.3f (%s) of the baseline: %.4g vs %.4g %s; threshold %.4g%%; %s",
        "相对基线的比值 %.3f（%s）：%.4g 对 %.4g %s；阈值 %.4g%%；%s"),
    ROW(AB_M_G_MISSING_CASE, "in the baseline (%s), not in the current run",
        "基线中有（%s），本次运行中没有"),
    ROW(AB_M_G_NEW_CASE, "new in the current run (%s%s%.*s)", "本次运行新增（%s%s%.*s）"),
    ROW(AB_M_G_CHANGED_CASE, "%s in the baseline, %s now%s%.*s", "基线中为%s，本次为%s%s%.*s"),
    ROW(AB_M_G_UNVERIFIED, "%s %.*s: %s", "%s %.*s：%s"),
    ROW(AB_M_G_CUT_SHORT,
        "the current run %.*s was cut short (complete: false): cases it did not reach are not "
        "compared",
        "本次运行 %.*s 被提前中止（complete: false）：未执行到的用例不作比较"),
    ROW(AB_M_G_EMPTY_BASELINE, "the baseline has no cases: there is nothing to gate against",
        "基线中没有用例：无可对照"),
    ROW(AB_M_G_NO_OVERLAP,
        "none of the baseline's %zu cases is in the current run %.*s (%zu cases): a backend or "
        "device that loaded nothing?",
        "基线的 %zu 个用例均不在本次运行 %.*s（%zu 个用例）中：是否有后端或设备未能加载？"),
    ROW(AB_M_G_N_HOSTS,
        "the baseline ran on host \"%.*s\", the current run on \"%.*s\": the gate is meant for "
        "one machine over time",
        "基线运行于主机“%.*s”，本次运行于“%.*s”：门禁用于同一台机器的前后对比"),
    ROW(AB_M_G_N_NO_INTERVAL,
        "%zu case(s) ok in both runs have no 95%% interval (fewer than %d samples, or none "
        "recorded): a slowdown there cannot be told from noise and never fails the gate; measure "
        "longer to gate them",
        "%zu 个两次均通过的用例没有95%%置信区间（样本数少于%d或未记录）：其变慢无法与噪声区分，"
        "不会导致门禁不通过；请延长测量以纳入门禁"),
};

static const char *const tags[AB_LANG_COUNT] = {"en", "zh-CN"};

ab_status ab_lang_parse(const char *name, ab_lang *out) {
  static const struct {
    const char *name;
    ab_lang lang;
  } names[] = {{"en", AB_LANG_EN},    {"zh-CN", AB_LANG_ZH_CN}, {"zh_CN", AB_LANG_ZH_CN},
               {"zh", AB_LANG_ZH_CN}, {"zh-cn", AB_LANG_ZH_CN}, {"en-US", AB_LANG_EN}};
  for (size_t i = 0; name && i < sizeof names / sizeof names[0]; i++)
    if (strcmp(names[i].name, name) == 0) {
      *out = names[i].lang;
      return AB_OK;
    }
  return AB_E_INVALID;
}

const char *ab_lang_tag(ab_lang lang) {
  return lang >= 0 && lang < AB_LANG_COUNT ? tags[lang] : tags[0];
}

const char *ab_tr(ab_lang lang, ab_msg id) {
  if (id < 0 || id >= AB_M_COUNT || !catalogue[id].name)
    return "?";
  if (lang < 0 || lang >= AB_LANG_COUNT)
    lang = AB_LANG_EN;
  const char *t = catalogue[id].text[lang];
  return t ? t : catalogue[id].text[AB_LANG_EN];
}

const char *ab_msg_name(ab_msg id) {
  return id >= 0 && id < AB_M_COUNT && catalogue[id].name ? catalogue[id].name : NULL;
}

const char *ab_msg_text(ab_msg id, ab_lang lang) {
  if (id < 0 || id >= AB_M_COUNT || lang < 0 || lang >= AB_LANG_COUNT)
    return NULL;
  return catalogue[id].text[lang];
}

const char *ab_tr_label(ab_lang lang, const char *en) {
  for (int id = 0; en && lang != AB_LANG_EN && id < AB_M_COUNT; id++)
    if (catalogue[id].name && strcmp(catalogue[id].text[AB_LANG_EN], en) == 0)
      return ab_tr(lang, (ab_msg)id);
  return en ? en : "";
}

/* Drops a UTF-8 character that vsnprintf cut in half at the end of buf. */
static void trim_partial_char(char *buf) {
  size_t n = strlen(buf), start = n;
  while (start > 0 && ((unsigned char)buf[start - 1] & 0xC0) == 0x80)
    start--;
  if (start == 0)
    return;
  unsigned char lead = (unsigned char)buf[start - 1];
  size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
  if (n - (start - 1) < want)
    buf[start - 1] = '\0';
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
void ab_vtrf(char *buf, size_t len, ab_lang lang, ab_msg id, va_list ap) {
  if (len == 0)
    return;
  int n = vsnprintf(buf, len, ab_tr(lang, id), ap);
  if (n < 0)
    buf[0] = '\0';
  else if ((size_t)n >= len)
    trim_partial_char(buf);
}
#pragma GCC diagnostic pop

void ab_trf(char *buf, size_t len, ab_lang lang, ab_msg id, ...) {
  va_list ap;
  va_start(ap, id);
  ab_vtrf(buf, len, lang, id, ap);
  va_end(ap);
}

/* Puts a copy of s at list[n], growing the list; on failure list[n] is not valid. */
static ab_status append(char ***list, size_t n, const char *s) {
  char **grown = realloc(*list, (n + 1) * sizeof *grown);
  if (!grown)
    return AB_E_NOMEM;
  *list = grown;
  grown[n] = strdup(s);
  return grown[n] ? AB_OK : AB_E_NOMEM;
}

ab_status ab_note_add(char ***en, char ***texts, size_t *n, ab_lang lang, ab_msg id, ...) {
  char e[1024], t[1536];
  va_list ap, aq;
  va_start(ap, id);
  va_copy(aq, ap);
  ab_vtrf(e, sizeof e, AB_LANG_EN, id, ap);
  ab_vtrf(t, sizeof t, lang, id, aq);
  va_end(aq);
  va_end(ap);
  return ab_note_add_texts(en, texts, n, e, t);
}

ab_status ab_note_add_texts(char ***en, char ***texts, size_t *n, const char *e, const char *t) {
  for (size_t i = 0; i < *n; i++)
    if (strcmp((*en)[i], e) == 0)
      return AB_OK; /* said once is enough */
  /* both lists grow before the count does, so they always hold n entries each */
  if (append(en, *n, e) != AB_OK)
    return AB_E_NOMEM;
  if (texts && append(texts, *n, t) != AB_OK) {
    free((*en)[*n]);
    return AB_E_NOMEM;
  }
  (*n)++;
  return AB_OK;
}

void ab_notes_free(char **en, char **texts, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(en[i]);
    if (texts)
      free(texts[i]);
  }
  free(en);
  free(texts);
}
