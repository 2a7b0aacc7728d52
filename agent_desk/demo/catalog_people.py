"""Word lists for the demo hospital's people: names, homes, phones, histories and tags.

Everything here is invented or public reference data (administrative division codes,
telephone area codes, mobile prefixes); no row describes a real person.
"""

from __future__ import annotations

from dataclasses import dataclass

from agent_desk.domain.enums import ContactRelation

# (first age, last age, weight): a tertiary hospital's inpatients skew old.
AGE_BANDS = (
    (0, 4, 3), (5, 14, 3), (15, 24, 4), (25, 34, 7), (35, 44, 8),
    (45, 54, 12), (55, 64, 16), (65, 74, 18), (75, 84, 14), (85, 99, 5),
)  # fmt: skip


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

TAG_ELDERLY = "高龄"
TAG_CHRONIC = "慢病管理"
TAG_ONCOLOGY = "肿瘤随访"
TAG_POSTPARTUM = "产后随访"
TAG_ALONE = "独居老人"
OCCASIONAL_TAGS = (("听力障碍", 0.04), ("需方言沟通", 0.02))
