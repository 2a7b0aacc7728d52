"""Word lists and catalogues for the synthetic demo hospital (see writer.py).

Everything here is invented or public reference data (ICD-10 codes, administrative
division codes, telephone area codes); no row describes a real person.
"""

from __future__ import annotations

from dataclasses import dataclass

from agent_desk.domain.enums import AttemptOutcome, ContactRelation, DischargeDisposition


@dataclass(frozen=True, slots=True)
class Diagnosis:
    icd10: str
    name: str
    sex: str = ""  # "M" or "F" when only one sex can have it
    min_age: int = 0


@dataclass(frozen=True, slots=True)
class DepartmentSpec:
    code: str
    name: str
    wards: int
    weight: float  # share of inpatient discharges
    los: tuple[int, int]  # length of stay in days, min and max
    ages: tuple[int, int]  # patient age in years, min and max
    diagnoses: tuple[Diagnosis, ...]
    orders: tuple[str, ...]  # 出院医嘱, one numbered item each; {date} is the revisit date
    revisit_days: int = 14  # after discharge
    female_only: bool = False
    newborn: bool = False
    urgent: bool = False  # discharges whose follow-up call is more urgent


# Diagnoses that only fit one sex or older patients; every other code fits anyone
# old enough for its department.
_LIMITS: dict[str, tuple[str, int]] = {
    "I21.9": ("", 30), "I20.0": ("", 30), "I25.1": ("", 35), "I48": ("", 30),
    "I50.9": ("", 30), "I63.9": ("", 35), "G20": ("", 45), "K74.6": ("", 30),
    "N40": ("M", 45), "C50.9": ("F", 25), "H25.9": ("", 50), "E11.3": ("", 30),
    "M17.9": ("", 40), "S72.0": ("", 50), "M48.0": ("", 40), "M81.9": ("", 50),
    "F03": ("", 60), "C67.9": ("", 40), "C16.9": ("", 30), "C34.9": ("", 35),
}  # fmt: skip


def _dx(*pairs: tuple[str, str]) -> tuple[Diagnosis, ...]:
    return tuple(Diagnosis(code, name, *_LIMITS.get(code, ("", 0))) for code, name in pairs)


_ADULT = (18, 99)

DEPARTMENTS: tuple[DepartmentSpec, ...] = (
    DepartmentSpec(
        "CARD", "心血管内科", 3, 8, (3, 10), _ADULT,
        _dx(("I10", "原发性高血压"), ("I21.9", "急性心肌梗死"), ("I20.0", "不稳定型心绞痛"),
            ("I25.1", "冠状动脉粥样硬化性心脏病"), ("I48", "心房颤动"), ("I50.9", "心力衰竭")),
        (
            "阿司匹林肠溶片100mg 每日一次，阿托伐他汀钙片20mg 每晚一次",
            "低盐低脂饮食，戒烟限酒",
            "适当活动，避免劳累及情绪激动",
            "每日监测血压心率",
            "{date}心血管内科门诊复诊，如有胸痛、胸闷、气促随时就诊",
        ),
        urgent=True,
    ),
    DepartmentSpec(
        "RESP", "呼吸内科", 2, 6, (5, 12), _ADULT,
        _dx(("J18.9", "肺炎"), ("J44.1", "慢性阻塞性肺病伴有急性加重"), ("J45.9", "支气管哮喘"),
            ("J47", "支气管扩张症"), ("J90", "胸腔积液")),
        (
            "噻托溴铵粉吸入剂18μg 每日一次吸入",
            "清淡饮食，多饮水",
            "注意保暖，避免受凉，坚持呼吸功能锻炼",
            "{date}呼吸内科门诊复诊，复查胸部CT，如有发热、咳嗽加重随时就诊",
        ),
    ),
    DepartmentSpec(
        "GI", "消化内科", 2, 5, (4, 10), _ADULT,
        _dx(("K25.9", "胃溃疡"), ("K29.7", "胃炎"), ("K92.2", "消化道出血"),
            ("K85.9", "急性胰腺炎"), ("K74.6", "肝硬化"), ("K51.9", "溃疡性结肠炎")),
        (
            "雷贝拉唑钠肠溶片10mg 每日两次餐前口服",
            "少量多餐，进软食，忌辛辣、烟酒",
            "注意大便颜色，如有黑便、呕血立即就诊",
            "{date}消化内科门诊复诊",
        ),
    ),
    DepartmentSpec(
        "NEURO", "神经内科", 3, 6, (7, 14), _ADULT,
        _dx(("I63.9", "脑梗死"), ("I61.9", "脑出血"), ("G40.9", "癫痫"), ("G20", "帕金森病"),
            ("G45.9", "短暂性脑缺血发作")),
        (
            "阿司匹林肠溶片100mg 每日一次，瑞舒伐他汀钙片10mg 每晚一次",
            "低盐低脂饮食",
            "坚持肢体功能锻炼，防跌倒",
            "{date}神经内科门诊复诊，如有言语不清、肢体无力加重立即就诊",
        ),
        urgent=True,
    ),
    DepartmentSpec(
        "ENDO", "内分泌科", 2, 4, (5, 10), _ADULT,
        _dx(("E11.9", "2型糖尿病"), ("E11.2", "2型糖尿病肾病"), ("E10.9", "1型糖尿病"),
            ("E05.9", "甲状腺功能亢进症"), ("E03.9", "甲状腺功能减退症")),
        (
            "二甲双胍片0.5g 每日三次随餐，门冬胰岛素按医嘱皮下注射",
            "糖尿病饮食，定时定量",
            "每日监测空腹及餐后血糖并记录",
            "{date}内分泌科门诊复诊，复查糖化血红蛋白，低血糖时立即进食",
        ),
    ),
    DepartmentSpec(
        "NEPH", "肾内科", 2, 3, (6, 14), _ADULT,
        _dx(("N18.5", "慢性肾脏病5期"), ("N04.9", "肾病综合征"), ("N03.9", "慢性肾炎综合征"),
            ("N17.9", "急性肾损伤"), ("N39.0", "尿路感染")),
        (
            "硝苯地平控释片30mg 每日一次，碳酸钙片0.5g 每日三次",
            "优质低蛋白低盐饮食，控制饮水量",
            "记录每日尿量及体重",
            "{date}肾内科门诊复诊，复查肾功能及电解质",
        ),
    ),
    DepartmentSpec(
        "HEMA", "血液科", 2, 2, (10, 25), _ADULT,
        _dx(("D50.9", "缺铁性贫血"), ("C92.0", "急性髓系白血病"), ("C90.0", "多发性骨髓瘤"),
            ("D69.3", "免疫性血小板减少症"), ("C83.3", "弥漫性大B细胞淋巴瘤")),
        (
            "按化疗方案口服药物，勿自行停药",
            "高蛋白饮食，注意饮食卫生",
            "避免去人群密集处，预防感染",
            "每周复查血常规",
            "{date}血液科门诊复诊，如有发热、出血立即就诊",
        ),
        urgent=True,
    ),
    DepartmentSpec(
        "ONCO", "肿瘤科", 3, 6, (4, 12), (25, 99),
        _dx(("C34.9", "肺恶性肿瘤"), ("C16.9", "胃恶性肿瘤"), ("C18.9", "结肠恶性肿瘤"),
            ("C50.9", "乳腺恶性肿瘤"), ("C22.0", "肝细胞癌"), ("Z51.1", "为肿瘤化学治疗疗程")),
        (
            "按时服用止吐及升白药物",
            "高蛋白、易消化饮食",
            "注意休息，预防感染，保护PICC导管",
            "化疗后一周复查血常规及肝肾功能",
            "{date}返院进行下一周期治疗",
        ),
        revisit_days=21,
        urgent=True,
    ),
    DepartmentSpec(
        "GS", "普通外科", 3, 6, (4, 10), (14, 99),
        _dx(("K35.8", "急性阑尾炎"), ("K40.9", "腹股沟疝"), ("K56.7", "肠梗阻"),
            ("E04.1", "甲状腺结节"), ("K61.0", "肛周脓肿")),
        (
            "切口定期换药，保持干燥，术后7-10天拆线",
            "逐步由流质过渡到普食",
            "一月内避免重体力劳动",
            "{date}普通外科门诊复诊，如有切口红肿、发热、腹痛随时就诊",
        ),
    ),
    DepartmentSpec(
        "ORTH", "骨科", 3, 7, (6, 15), (10, 99),
        _dx(("S72.0", "股骨颈骨折"), ("M17.9", "膝关节骨性关节炎"), ("M51.2", "腰椎间盘突出症"),
            ("S82.2", "胫骨骨干骨折"), ("S52.5", "桡骨下端骨折"), ("M48.0", "椎管狭窄")),
        (
            "利伐沙班片10mg 每日一次，预防下肢静脉血栓",
            "多食高钙食物",
            "按康复计划进行功能锻炼，患肢勿负重，防跌倒",
            "{date}骨科门诊复诊，复查X线片",
        ),
    ),
    DepartmentSpec(
        "NSURG", "神经外科", 2, 3, (8, 20), (1, 99),
        _dx(("S06.5", "创伤性硬膜下出血"), ("I60.9", "蛛网膜下腔出血"), ("D32.9", "脑膜瘤"),
            ("D35.2", "垂体腺瘤"), ("C71.9", "脑恶性肿瘤")),
        (
            "丙戊酸钠缓释片0.5g 每日两次，勿自行停药",
            "清淡饮食，保持大便通畅",
            "家属陪护，防跌倒",
            "{date}神经外科门诊复诊，复查头颅CT，如有头痛加重、呕吐、抽搐立即就诊",
        ),
        urgent=True,
    ),
    DepartmentSpec(
        "CTS", "心胸外科", 2, 2, (8, 18), _ADULT,
        _dx(("I25.1", "冠状动脉粥样硬化性心脏病"), ("I35.0", "主动脉瓣狭窄"),
            ("I34.0", "二尖瓣关闭不全"), ("C34.1", "肺上叶恶性肿瘤"), ("J93.1", "自发性气胸")),
        (
            "华法林钠片按INR调整剂量，定期复查凝血功能",
            "低盐饮食",
            "胸骨三个月内避免提重物，坚持呼吸训练",
            "{date}心胸外科门诊复诊，如有胸闷、伤口渗液随时就诊",
        ),
        urgent=True,
    ),
    DepartmentSpec(
        "URO", "泌尿外科", 2, 4, (3, 8), _ADULT,
        _dx(("N20.0", "肾结石"), ("N40", "前列腺增生"), ("N20.1", "输尿管结石"),
            ("C67.9", "膀胱恶性肿瘤"), ("N13.3", "肾积水")),
        (
            "坦索罗辛缓释胶囊0.2mg 每晚一次",
            "多饮水，每日2000ml以上",
            "双J管留置期间避免剧烈运动",
            "{date}泌尿外科门诊复诊并拔除双J管，如有血尿、发热随时就诊",
        ),
    ),
    DepartmentSpec(
        "HBS", "肝胆外科", 2, 3, (5, 12), _ADULT,
        _dx(("K80.2", "胆囊结石"), ("K81.0", "急性胆囊炎"), ("C22.0", "肝细胞癌"),
            ("K85.1", "胆源性急性胰腺炎"), ("C25.9", "胰腺恶性肿瘤")),
        (
            "熊去氧胆酸胶囊250mg 每日两次",
            "低脂饮食，少量多餐",
            "保持切口清洁，一月内避免重体力劳动",
            "{date}肝胆外科门诊复诊，复查肝功能及腹部B超",
        ),
    ),
    DepartmentSpec(
        "GYN", "妇科", 2, 4, (3, 8), (18, 85),
        _dx(("D25.9", "子宫平滑肌瘤"), ("N83.2", "卵巢囊肿"), ("N80.0", "子宫腺肌病"),
            ("C53.9", "宫颈恶性肿瘤"), ("O00.1", "输卵管妊娠")),
        (
            "术后禁性生活及盆浴一个月",
            "加强营养，多食富含铁的食物",
            "注意阴道出血情况",
            "{date}妇科门诊复诊，复查妇科B超",
        ),
        female_only=True,
    ),
    DepartmentSpec(
        "OB", "产科", 3, 5, (2, 6), (20, 44),
        _dx(("O80", "单胎顺产"), ("O82", "经剖宫产术的单胎分娩"), ("O24.4", "妊娠期糖尿病"),
            ("O14.9", "子痫前期"), ("O42.9", "胎膜早破")),
        (
            "坚持母乳喂养，按需哺乳",
            "营养均衡，适当补充钙剂及铁剂",
            "注意恶露及切口情况，产褥期禁盆浴",
            "产后42天（{date}）产科门诊复查，新生儿同日儿保科体检",
        ),
        revisit_days=39,
        female_only=True,
    ),
    DepartmentSpec(
        "PED", "儿科", 3, 4, (3, 8), (0, 14),
        _dx(("J18.0", "支气管肺炎"), ("J20.9", "急性支气管炎"), ("A08.4", "病毒性肠炎"),
            ("R56.0", "热性惊厥"), ("B08.4", "手足口病")),
        (
            "按时口服药物，家长监督用药",
            "清淡易消化饮食，多饮水",
            "注意手卫生，避免去人群密集场所",
            "{date}儿科门诊复诊，如有高热、精神差随时就诊",
        ),
    ),
    DepartmentSpec(
        "NEO", "新生儿科", 1, 1.5, (5, 14), (0, 0),
        _dx(("P59.9", "新生儿黄疸"), ("P07.3", "早产儿"), ("P22.9", "新生儿呼吸窘迫"),
            ("P36.9", "新生儿败血症"), ("P70.4", "新生儿低血糖")),
        (
            "按需喂养，记录吃奶量及大小便",
            "注意保暖，观察皮肤黄染情况",
            "按时接种疫苗",
            "{date}新生儿科门诊复诊，如有吃奶差、发热、黄疸加重立即就诊",
        ),
        newborn=True,
        urgent=True,
    ),
    DepartmentSpec(
        "OPH", "眼科", 2, 3, (1, 4), (5, 99),
        _dx(("H25.9", "老年性白内障"), ("H40.9", "青光眼"), ("H33.0", "孔源性视网膜脱离"),
            ("E11.3", "2型糖尿病视网膜病变"), ("H11.0", "翼状胬肉")),
        (
            "妥布霉素地塞米松滴眼液 每日四次滴术眼",
            "避免揉眼，洗头洗脸勿使脏水入眼",
            "避免低头弯腰及剧烈运动",
            "{date}眼科门诊复诊，如有眼痛、视力下降立即就诊",
        ),
    ),
    DepartmentSpec(
        "ENT", "耳鼻咽喉科", 2, 2, (2, 7), (3, 99),
        _dx(("J32.9", "慢性鼻窦炎"), ("J35.0", "慢性扁桃体炎"), ("H91.2", "突发性聋"),
            ("J34.2", "鼻中隔偏曲"), ("J38.1", "声带息肉")),
        (
            "糠酸莫米松鼻喷雾剂 每日一次",
            "温凉软食两周，忌辛辣",
            "避免用力擤鼻及剧烈咳嗽",
            "{date}耳鼻咽喉科门诊复诊，如有出血随时就诊",
        ),
    ),
    DepartmentSpec(
        "DENT", "口腔科", 1, 0.5, (2, 6), (6, 90),
        _dx(("K04.0", "牙髓炎"), ("K05.3", "慢性牙周炎"), ("K01.1", "阻生牙"),
            ("S02.6", "下颌骨骨折")),
        (
            "复方氯己定含漱液 每日三次含漱",
            "温凉流质或半流质饮食",
            "保持口腔卫生",
            "{date}口腔科门诊复诊拆线",
        ),
    ),
    DepartmentSpec(
        "DERM", "皮肤科", 1, 0.5, (5, 12), (1, 99),
        _dx(("L40.0", "寻常型银屑病"), ("B02.9", "带状疱疹"), ("L20.9", "特应性皮炎"),
            ("L50.9", "荨麻疹"), ("L03.9", "蜂窝织炎")),
        (
            "外用药按说明涂抹患处，勿自行加量",
            "忌辛辣刺激及海鲜",
            "避免搔抓及热水烫洗",
            "{date}皮肤科门诊复诊",
        ),
    ),
    DepartmentSpec(
        "REHAB", "康复医学科", 2, 2, (14, 28), _ADULT,
        _dx(("I69.3", "脑梗死后遗症"), ("I69.1", "脑出血后遗症"), ("Z96.6", "关节置换术后状态"),
            ("M54.5", "腰痛"), ("G82.2", "截瘫")),
        (
            "坚持每日居家康复训练",
            "均衡饮食，控制体重",
            "家属协助转移，防跌倒、防压疮",
            "{date}康复医学科门诊复诊，评估功能恢复情况",
        ),
    ),
    DepartmentSpec(
        "GERI", "老年医学科", 2, 3, (7, 16), (65, 99),
        _dx(("J18.9", "肺炎"), ("F03", "痴呆"), ("M81.9", "骨质疏松"), ("I50.9", "心力衰竭"),
            ("I10", "原发性高血压")),
        (
            "按药盒分装按时服药，家属督促",
            "软食，少量多餐，防呛咳",
            "居家防跌倒，夜间留灯",
            "{date}老年医学科门诊复诊，如有发热、意识改变立即就诊",
        ),
        urgent=True,
    ),
    DepartmentSpec(
        "RHEU", "风湿免疫科", 1, 1.5, (6, 12), (14, 90),
        _dx(("M05.9", "类风湿关节炎"), ("M32.9", "系统性红斑狼疮"), ("M10.9", "痛风"),
            ("M45", "强直性脊柱炎"), ("M35.0", "干燥综合征")),
        (
            "甲氨蝶呤片每周一次，叶酸片次日服用，勿自行停药",
            "低嘌呤饮食，多饮水",
            "避免日晒及受凉",
            "{date}风湿免疫科门诊复诊，复查血常规及肝功能",
        ),
    ),
    DepartmentSpec(
        "ID", "感染科", 2, 1.5, (7, 18), (1, 99),
        _dx(("B18.1", "慢性乙型病毒性肝炎"), ("A15.0", "肺结核"), ("A90", "登革热"),
            ("A41.9", "脓毒症"), ("B01.9", "水痘")),
        (
            "恩替卡韦片0.5mg 每日一次空腹服用，不可擅自停药",
            "禁酒，清淡饮食",
            "注意隔离及个人卫生",
            "{date}感染科门诊复诊，复查肝功能及病毒载量",
        ),
    ),
    DepartmentSpec(
        "ED", "急诊科", 1, 1, (1, 4), (1, 99),
        _dx(("S06.0", "脑震荡"), ("R55", "晕厥"), ("T51.0", "乙醇中毒"),
            ("T60.0", "有机磷农药中毒"), ("T78.2", "过敏性休克")),
        (
            "按时服药，注意休息",
            "清淡饮食",
            "如症状反复立即返回急诊",
            "{date}相关专科门诊复诊",
        ),
        urgent=True,
    ),
    DepartmentSpec(
        "ICU", "重症医学科", 1, 1, (5, 21), (1, 99),
        _dx(("A41.9", "脓毒症"), ("J96.0", "急性呼吸衰竭"), ("R57.0", "心源性休克"),
            ("J80", "急性呼吸窘迫综合征"), ("K72.0", "急性肝衰竭")),
        (
            "遵专科医嘱继续用药",
            "营养支持，逐步恢复饮食",
            "循序渐进恢复活动，注意心理疏导",
            "{date}原专科门诊复诊，如有气促、发热立即就诊",
        ),
        urgent=True,
    ),
    DepartmentSpec(
        "TCM", "中医科", 1, 1.5, (7, 14), (14, 99),
        _dx(("M54.5", "腰痛"), ("R51", "头痛"), ("G47.0", "失眠"), ("K59.0", "便秘"),
            ("R42", "眩晕")),
        (
            "中药汤剂每日一剂，早晚分服",
            "饮食有节，忌生冷油腻",
            "起居有常，适当练习八段锦",
            "{date}中医科门诊复诊调方",
        ),
    ),
    DepartmentSpec(
        "PSY", "精神心理科", 2, 1.5, (14, 30), (14, 90),
        _dx(("F32.9", "抑郁发作"), ("F41.1", "广泛性焦虑障碍"), ("F20.9", "精神分裂症"),
            ("F31.9", "双相情感障碍"), ("F51.0", "非器质性失眠症")),
        (
            "舍曲林片50mg 每日一次，家属保管药品并督促服药，勿自行停药",
            "规律作息",
            "家属多陪伴，留意情绪变化",
            "{date}精神心理科门诊复诊，如有消极言行立即就诊",
        ),
    ),
)  # fmt: skip

WARD_NUMERALS = ("一", "二", "三")

# (first age, last age, weight): a tertiary hospital's inpatients skew old.
AGE_BANDS = (
    (0, 4, 3), (5, 14, 3), (15, 24, 4), (25, 34, 7), (35, 44, 8),
    (45, 54, 12), (55, 64, 16), (65, 74, 18), (75, 84, 14), (85, 99, 5),
)  # fmt: skip
# Encounters per patient (1-5): older patients come back more often.
ENCOUNTER_WEIGHTS_YOUNG = (0.38, 0.28, 0.18, 0.10, 0.06)
ENCOUNTER_WEIGHTS_OLD = (0.22, 0.26, 0.24, 0.16, 0.12)


@dataclass(frozen=True, slots=True)
class Chronic:
    name: str  # as written in the patient's chronic conditions
    icd10: str  # when it also appears as a secondary diagnosis
    diagnosis: str
    shares: tuple[float, float, float]  # prevalence below 45, 45-59, 60 and over


CHRONIC = (
    Chronic("高血压", "I10", "原发性高血压", (0.05, 0.25, 0.45)),
    Chronic("2型糖尿病", "E11.9", "2型糖尿病", (0.02, 0.10, 0.20)),
    Chronic("高脂血症", "E78.5", "高脂血症", (0.04, 0.15, 0.25)),
    Chronic("冠心病", "I25.1", "冠状动脉粥样硬化性心脏病", (0.00, 0.05, 0.15)),
    Chronic("慢性阻塞性肺疾病", "J44.9", "慢性阻塞性肺病", (0.00, 0.02, 0.08)),
    Chronic("慢性肾脏病", "N18.9", "慢性肾脏病", (0.005, 0.02, 0.05)),
    Chronic("骨质疏松", "M81.9", "骨质疏松", (0.00, 0.03, 0.12)),
)

CARDIAC_HISTORY = (
    "冠心病，PCI术后",
    "陈旧性心肌梗死",
    "心房颤动，长期口服华法林",
    "永久起搏器植入术后",
    "慢性心力衰竭",
    "风湿性心脏病，二尖瓣置换术后",
    "冠状动脉旁路移植术后",
    "室性早搏",
)

FAMILY_HISTORY = (
    "父亲高血压",
    "母亲高血压",
    "母亲糖尿病",
    "父亲糖尿病",
    "父亲冠心病",
    "母亲脑梗死",
    "父亲肺癌",
    "母亲乳腺癌",
    "父亲胃癌",
    "兄长肝癌",
)

ALLERGIES = (
    "青霉素过敏",
    "青霉素过敏",
    "头孢类过敏",
    "磺胺类过敏",
    "碘造影剂过敏",
    "阿司匹林过敏",
    "链霉素过敏",
    "海鲜过敏",
    "花粉过敏",
)

OCCUPATIONS_ADULT = (
    "职员",
    "职员",
    "工人",
    "工人",
    "农民",
    "农民",
    "专业技术人员",
    "专业技术人员",
    "个体经营者",
    "企业管理人员",
    "国家公务员",
    "自由职业者",
    "无业人员",
    "现役军人",
    "其他",
)
OCCUPATION_RETIRED = "退（离）休人员"
OCCUPATION_STUDENT = "学生"
OCCUPATIONS_CHILD = ("散居儿童", "幼托儿童")

# Surnames in rough order of frequency; the weight is the repetition count in the pool.
_SURNAMES_BY_WEIGHT = (
    (70, ("王", "李", "张", "刘", "陈")),
    (30, ("杨", "黄", "赵", "吴", "周")),
    (15, tuple("徐孙马朱胡郭何高林罗")),
    (8, tuple("郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈")),
    (4, tuple("姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶")),
    (4, tuple("黎贺顾毛郝龚邵万钱严")),
    (2, tuple("覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申")),
    (2, tuple("欧耿关兰焦俞左柳甘")),
    (1, ("欧阳", "司马", "上官", "诸葛")),
)
SURNAMES: tuple[tuple[str, int], ...] = tuple(
    (name, weight) for weight, names in _SURNAMES_BY_WEIGHT for name in names
)

# Given-name characters by sex and the era of birth: names follow fashions.
GIVEN_MALE_OLD = "国建志明伟德军文华平福荣庆春海东林永成广兴保金贵祥富民山忠"
GIVEN_MALE_MID = "伟强磊军勇杰涛斌超明刚辉鹏华飞波健俊峰亮宁龙林斌凯新东"
GIVEN_MALE_NEW = "浩宇轩睿博航哲晨泽铭子俊杰昊然逸辰宸奕梓皓嘉豪天佑"
GIVEN_FEMALE_OLD = "秀英桂兰玉珍凤华淑芳琴美荣春梅素云霞秀芬翠红玲丽琼"
GIVEN_FEMALE_MID = "芳娜敏静丽艳娟霞燕玲萍红琳洁雪琴莉慧婷颖倩佳晶丹蕾"
GIVEN_FEMALE_NEW = "欣怡悦涵萱梓馨彤雨思妍诗雅可佳琪钰语晴若一诺瑶"

# (province, city, telephone area code, local number length, weight, districts)
CITIES: tuple[tuple[str, str, str, int, float, tuple[tuple[str, str], ...]], ...] = (
    ("北京市", "北京市", "010", 8, 70, (
        ("110101", "东城区"), ("110102", "西城区"), ("110105", "朝阳区"), ("110106", "丰台区"),
        ("110107", "石景山区"), ("110108", "海淀区"), ("110109", "门头沟区"), ("110111", "房山区"),
        ("110112", "通州区"), ("110113", "顺义区"), ("110114", "昌平区"), ("110115", "大兴区"),
    )),
    ("河北省", "石家庄市", "0311", 8, 5, (
        ("130102", "长安区"), ("130104", "桥西区"), ("130105", "新华区"),
    )),
    ("河北省", "保定市", "0312", 7, 4, (("130602", "竞秀区"), ("130606", "莲池区"))),
    ("河北省", "廊坊市", "0316", 7, 4, (("131002", "安次区"), ("131003", "广阳区"))),
    ("天津市", "天津市", "022", 8, 3, (
        ("120101", "和平区"), ("120102", "河东区"), ("120103", "河西区"), ("120104", "南开区"),
    )),
    ("山东省", "济南市", "0531", 8, 2, (("370102", "历下区"), ("370103", "市中区"))),
    ("河南省", "郑州市", "0371", 8, 2, (("410102", "中原区"), ("410105", "金水区"))),
    ("山西省", "太原市", "0351", 7, 2, (("140105", "小店区"), ("140106", "迎泽区"))),
    ("内蒙古自治区", "呼和浩特市", "0471", 7, 2, (("150102", "新城区"), ("150105", "赛罕区"))),
    ("辽宁省", "沈阳市", "024", 8, 1.5, (("210102", "和平区"), ("210103", "沈河区"))),
    ("黑龙江省", "哈尔滨市", "0451", 8, 1.5, (("230102", "道里区"), ("230103", "南岗区"))),
    ("湖北省", "武汉市", "027", 8, 1, (("420102", "江岸区"), ("420106", "武昌区"))),
    ("上海市", "上海市", "021", 8, 1, (("310101", "黄浦区"), ("310104", "徐汇区"))),
)  # fmt: skip

STREETS = (
    "人民路", "解放路", "中山路", "建设路", "和平路", "光明街", "胜利街", "文化路", "新华路",
    "团结路", "学院路", "花园路", "幸福路", "青年路", "朝阳路", "东风路", "民主路", "工业路",
    "健康路", "体育路", "育才路", "滨河路", "迎宾路", "振兴路", "复兴路", "安定路", "永安街",
    "北环路", "南环路", "西大街", "东大街", "站前路",
)  # fmt: skip
COMMUNITIES = (
    "阳光小区", "幸福家园", "金色家园", "翠苑", "锦绣花园", "和平里", "枫林苑", "丽景园",
    "康乐小区", "怡和园", "新世纪花园", "碧水湾", "东湖小区", "职工宿舍", "书香苑", "明珠花园",
)  # fmt: skip

MOBILE_PREFIXES = [
    "130",
    "131",
    "132",
    "133",
    "134",
    "135",
    "136",
    "137",
    "138",
    "139",
    "147",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "173",
    "175",
    "176",
    "177",
    "178",
    "180",
    "181",
    "182",
    "183",
    "184",
    "185",
    "186",
    "187",
    "188",
    "189",
    "191",
    "193",
    "195",
    "198",
    "199",
]

# Who the family contact is, by the patient's age: (below this age, (relation, weight)...).
FAMILY_CONTACTS: tuple[tuple[int, tuple[tuple[ContactRelation, float], ...]], ...] = (
    (18, ((ContactRelation.PARENT, 1.0),)),
    (40, ((ContactRelation.SPOUSE, 0.6), (ContactRelation.PARENT, 0.3),
          (ContactRelation.SIBLING, 0.1))),
    (65, ((ContactRelation.SPOUSE, 0.65), (ContactRelation.CHILD, 0.2),
          (ContactRelation.SIBLING, 0.1), (ContactRelation.OTHER, 0.05))),
    (999, ((ContactRelation.CHILD, 0.6), (ContactRelation.SPOUSE, 0.35),
           (ContactRelation.SIBLING, 0.05))),
)  # fmt: skip
# Share of patients with their own mobile, by age: (below this age, share).
OWN_MOBILE = ((12, 0.0), (18, 0.5), (70, 0.96), (80, 0.85), (999, 0.6))
DISPOSITIONS = (
    (DischargeDisposition.HOME, 0.93),
    (DischargeDisposition.TRANSFER, 0.03),
    (DischargeDisposition.AGAINST_ADVICE, 0.03),
    (DischargeDisposition.OTHER, 0.01),
)

LOST_REASONS: tuple[tuple[str, AttemptOutcome], ...] = (
    ("三次未接通", AttemptOutcome.NO_ANSWER),
    ("三次未接通", AttemptOutcome.NO_ANSWER),
    ("三次未接通", AttemptOutcome.NO_ANSWER),
    ("空号", AttemptOutcome.NUMBER_INVALID),
    ("停机", AttemptOutcome.SWITCHED_OFF),
    ("拒绝回访", AttemptOutcome.REFUSED),
    ("号码错误", AttemptOutcome.WRONG_NUMBER),
    ("患者已故", AttemptOutcome.DECEASED),
)
FAILED_OUTCOMES = (
    AttemptOutcome.NO_ANSWER,
    AttemptOutcome.NO_ANSWER,
    AttemptOutcome.NO_ANSWER,
    AttemptOutcome.BUSY,
    AttemptOutcome.SWITCHED_OFF,
)
SMS_NOTE = "未接通，已发送回访提醒短信"

TAG_ELDERLY = "高龄"
TAG_CHRONIC = "慢病管理"
TAG_ONCOLOGY = "肿瘤随访"
TAG_POSTPARTUM = "产后随访"
TAG_ALONE = "独居老人"
OCCASIONAL_TAGS = (("听力障碍", 0.04), ("需方言沟通", 0.02))

RECOVERY_LEVELS = (("good", 75, 100, 0.7), ("fair", 55, 80, 0.25), ("poor", 40, 60, 0.05))
MEDICATION = ("regular", "regular", "regular", "regular", "irregular", "stopped")
COMMENTS = (
    ("praise", "护士很耐心，出院指导讲得很清楚，谢谢！"),
    ("praise", "主治医生医术高明，态度很好。"),
    ("praise", "病房干净整洁，护理到位。"),
    ("criticism", "办理出院手续排队时间太长。"),
    ("criticism", "夜间病房有些吵，休息不好。"),
    ("suggestion", "希望能增加周末的专家门诊。"),
    ("suggestion", "建议停车场增加车位。"),
)
