"""What the demo supplier firms are made of: trades, name parts, places (data only, no logic).

Used by ``suppliers.demo``. Every code here (processes, materials, certifications, practices,
sectors, VSIC, product groups) is a code of ``portal.reference_data``; a test checks that they all
exist, so a typo fails loudly instead of silently dropping a capability.

Names, places and numbers are invented but realistic; the capabilities fit the trade (a die
caster runs die casting in ADC12, a plastics moulder injection moulding in PP and ABS).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Cap:
    """A process a trade runs: unit, monthly capacity range (for a 50–199 person firm), precision."""

    process: str
    unit: str
    capacity: tuple[int, int]
    tolerances: tuple[float, ...] = ()
    size_mm: tuple[int, int] | None = None
    weight_kg: tuple[float, float] | None = None


@dataclass(frozen=True)
class Trade:
    key: str
    name_vi: str  # the trade words of a firm name: "Công ty TNHH <Đúc nhôm> Hưng Thịnh"
    name_en: str
    short_en: str  # for trading names ("HT Casting")
    weight: int  # how common the trade is among the demo firms
    tier: int  # the tier such a firm usually holds in THACO's chain
    sectors: tuple[str, ...]
    vsic: str
    core: tuple[Cap, ...]  # every firm of the trade runs these
    extra: tuple[Cap, ...]  # each with even odds
    materials: tuple[str, ...]  # the first two always, the rest with even odds
    products: tuple[tuple[str, str, str], ...]  # (Vietnamese, English, product group code)
    equipment: tuple[tuple[str, str, str], ...]  # (machine type, make and model, key spec)
    description_vi: str
    description_en: str
    certificates: tuple[str, ...] = ()  # trade-specific certifications, each with even odds
    automotive: bool = True  # IATF 16949 is plausible


TRADES: tuple[Trade, ...] = (
    Trade(
        "precision",
        "Cơ khí Chính xác",
        "Precision Mechanical",
        "Precision",
        14,
        2,
        ("mechanical", "automotive"),
        "2592",
        (
            Cap("cnc-turning", "pcs", (8000, 40000), (0.005, 0.01, 0.02), (20, 600), (0.1, 50)),
            Cap("cnc-milling", "pcs", (4000, 20000), (0.01, 0.02), (50, 1200), (0.5, 200)),
        ),
        (
            Cap("grinding", "pcs", (2000, 15000), (0.002, 0.005), (10, 500), (0.1, 30)),
            Cap("drilling", "pcs", (10000, 50000), (0.05,), (10, 800)),
            Cap("edm", "h", (300, 1500), (0.005, 0.01)),
            Cap("cmm-measurement", "h", (100, 500), (0.002,)),
        ),
        ("alloy-steel", "a6061", "sus304", "brass", "stainless-steel"),
        (
            ("Trục truyền động", "Drive shafts", "bearings-gears-shafts"),
            ("Bạc lót và ống lót", "Bushings and sleeves", "bearings-gears-shafts"),
            ("Chi tiết gia công CNC theo bản vẽ", "CNC-machined parts to drawing", "precision-parts"),
            ("Mặt bích và khớp nối", "Flanges and couplings", "precision-parts"),
            ("Chốt và bu lông quang nhíp", "Spring pins and U-bolts", "suspension"),
        ),
        (
            ("Máy tiện CNC", "Mazak QUICK TURN 250", "Φ300 × 600 mm"),
            ("Trung tâm gia công đứng", "Doosan DNM 5700", "3 trục, 1.000 × 570 mm"),
            ("Máy mài tròn", "Okamoto OGM 250", "Φ250 × 500 mm"),
            ("Máy đo tọa độ CMM", "Mitutoyo Crysta-Apex S", "700 × 1.000 × 600 mm"),
        ),
        "Gia công cơ khí chính xác chi tiết máy và phụ tùng ô tô trên máy tiện, phay CNC; "
        "kiểm tra kích thước bằng máy đo CMM.",
        "Precision machining of machine parts and automotive components on CNC lathes and mills, "
        "with CMM inspection.",
    ),
    Trade(
        "die-casting",
        "Đúc nhôm",
        "Aluminium Die Casting",
        "Die Casting",
        8,
        2,
        ("mechanical", "automotive"),
        "2432",
        (
            Cap("die-casting", "pcs", (10000, 60000), (0.05, 0.1), (50, 600), (0.05, 15)),
            Cap("cnc-machining", "pcs", (5000, 30000), (0.02, 0.05), (50, 600), (0.05, 15)),
        ),
        (
            Cap("shot-blasting", "kg", (5000, 30000)),
            Cap("anodising", "m2", (2000, 10000)),
            Cap("cmm-measurement", "h", (100, 400), (0.005,)),
        ),
        ("adc12", "aluminium", "a6061"),
        (
            ("Vỏ hộp số", "Gearbox housings", "transmission"),
            ("Nắp quy lát", "Cylinder head covers", "engine"),
            ("Giá bắt động cơ", "Engine mounting brackets", "engine"),
            ("Vỏ đèn bằng nhôm", "Aluminium lamp housings", "lighting"),
        ),
        (
            ("Máy đúc áp lực buồng lạnh", "Toshiba DC800J-T", "800 tấn"),
            ("Máy đúc áp lực buồng lạnh", "Bühler Carat 140", "1.400 tấn"),
            ("Lò nấu nhôm", "", "1.000 kg/mẻ"),
        ),
        "Đúc áp lực nhôm ADC12 vỏ hộp số, nắp máy và giá đỡ động cơ; gia công CNC hoàn thiện sau đúc.",
        "High-pressure die casting of ADC12 aluminium gearbox housings, covers and engine brackets, "
        "with CNC finish machining.",
    ),
    Trade(
        "foundry",
        "Đúc gang thép",
        "Iron and Steel Foundry",
        "Foundry",
        6,
        2,
        ("mechanical", "automotive"),
        "2431",
        (
            Cap("sand-casting", "t", (80, 600), (0.5, 1.0), (100, 2000), (1, 1500)),
            Cap("heat-treatment", "t", (50, 300)),
        ),
        (
            Cap("cnc-machining", "pcs", (2000, 10000), (0.02, 0.05), (100, 1200), (1, 300)),
            Cap("shot-blasting", "t", (50, 400)),
            Cap("material-testing", "h", (50, 200)),
        ),
        ("grey-iron", "ductile-iron", "alloy-steel"),
        (
            ("Tang trống phanh", "Brake drums", "brakes"),
            ("Moay-ơ bánh xe", "Wheel hubs", "wheels"),
            ("Vỏ bơm và vỏ van", "Pump and valve housings", "castings-forgings"),
            ("Đối trọng máy", "Machine counterweights", "castings-forgings"),
        ),
        (
            ("Lò cảm ứng trung tần", "Inductotherm", "2 tấn/mẻ"),
            ("Dây chuyền làm khuôn cát tự động", "", "60 khuôn/giờ"),
            ("Máy quang phổ phân tích thành phần", "Spectro", ""),
        ),
        "Đúc gang xám, gang cầu bằng khuôn cát: tang trống phanh, moay-ơ, vỏ bơm; nhiệt luyện và "
        "phân tích thành phần tại xưởng.",
        "Sand casting of grey and ductile iron (brake drums, hubs, pump housings), with in-house "
        "heat treatment and spectrometer analysis.",
    ),
    Trade(
        "stamping",
        "Cơ khí Dập",
        "Metal Stamping",
        "Stamping",
        12,
        1,
        ("mechanical", "automotive"),
        "2591",
        (
            Cap("stamping", "pcs", (50000, 400000), (0.05, 0.1), (50, 1500), (0.01, 12)),
            Cap("progressive-die", "pcs", (100000, 800000), (0.05,), (20, 400), (0.01, 2)),
        ),
        (
            Cap("deep-drawing", "pcs", (20000, 100000), (0.1,), (50, 800), (0.1, 8)),
            Cap("spot-welding", "pcs", (20000, 150000)),
            Cap("laser-cutting", "m", (5000, 30000), (0.1,), (100, 3000)),
        ),
        ("cold-rolled-steel", "hot-rolled-steel", "galvanised-steel"),
        (
            ("Chi tiết dập thân xe", "Stamped body panels", "body"),
            ("Giá đỡ và pát bắt", "Brackets", "sheet-metal-welded"),
            ("Thùng nhiên liệu", "Fuel tanks", "fuel-tank"),
            ("Tấm che gầm", "Underbody shields", "chassis-frame"),
        ),
        (
            ("Máy dập cơ", "Aida NC1-200", "200 tấn"),
            ("Máy dập thủy lực", "", "630 tấn"),
            ("Dây chuyền dập liên hoàn", "Komatsu E2W-300", "300 tấn, cấp phôi tự động"),
        ),
        "Dập nguội chi tiết thân vỏ, giá đỡ và thùng nhiên liệu từ thép tấm SPCC, SPHC, SGCC trên "
        "máy dập 200–630 tấn và dây chuyền dập liên hoàn.",
        "Cold stamping of body panels, brackets and fuel tanks from SPCC, SPHC and SGCC sheet on "
        "200–630 t presses and progressive-die lines.",
    ),
    Trade(
        "plastics",
        "Nhựa Kỹ thuật",
        "Engineering Plastics",
        "Plastics",
        12,
        1,
        ("automotive", "mechanical"),
        "2220",
        (Cap("injection-moulding", "pcs", (30000, 300000), (0.05, 0.1), (20, 1800), (0.005, 8)),),
        (
            Cap("assembly", "sets", (5000, 40000)),
            Cap("blow-moulding", "pcs", (10000, 80000), (0.2,), (100, 900)),
            Cap("painting", "m2", (5000, 30000)),
        ),
        ("pp", "abs", "polyamide", "pc", "pom"),
        (
            ("Cản trước và cản sau", "Front and rear bumpers", "interior-plastics"),
            ("Ốp táp-lô và tapi cửa", "Dashboard and door trims", "interior-plastics"),
            ("Vỏ đèn và chụp đèn", "Lamp housings and lenses", "lighting"),
            ("Bình nước rửa kính", "Washer fluid tanks", "body"),
        ),
        (
            ("Máy ép nhựa", "Haitian MA3600", "360 tấn"),
            ("Máy ép nhựa", "Engel duo 13050", "1.300 tấn"),
            ("Robot gắp sản phẩm", "Yushin", "5 trục"),
        ),
        "Ép phun chi tiết nhựa nội, ngoại thất ô tô từ PP, ABS, PA trên máy ép 90–1.300 tấn; lắp "
        "ráp cụm và sơn hoàn thiện.",
        "Injection moulding of interior and exterior automotive parts in PP, ABS and PA on "
        "90–1,300 t machines, with sub-assembly and painting.",
    ),
    Trade(
        "rubber",
        "Cao su Kỹ thuật",
        "Technical Rubber",
        "Rubber",
        6,
        2,
        ("automotive",),
        "2219",
        (Cap("vulcanising", "pcs", (20000, 200000), (0.1, 0.3), (10, 1500), (0.01, 5)),),
        (Cap("injection-moulding", "pcs", (20000, 100000), (0.1,), (10, 300)),),
        ("epdm", "nbr"),
        (
            ("Gioăng cửa và gioăng kính", "Door and window seals", "body"),
            ("Cao su chân máy", "Engine mounts", "engine"),
            ("Ống cao su dẫn nước làm mát", "Coolant hoses", "cooling"),
            ("Cao su giảm chấn nhíp", "Suspension bushings", "suspension"),
        ),
        (
            ("Máy ép lưu hóa", "", "250 tấn"),
            ("Máy cán luyện cao su", "", "2 trục 16 inch"),
            ("Máy đùn gioăng", "", "Φ90 mm"),
        ),
        "Sản xuất gioăng, ống và chi tiết giảm chấn cao su EPDM, NBR bằng ép lưu hóa và đùn.",
        "EPDM and NBR rubber seals, hoses and anti-vibration parts, compression-moulded and extruded.",
    ),
    Trade(
        "moulds",
        "Khuôn mẫu",
        "Mould and Die",
        "Tooling",
        8,
        2,
        ("mechanical", "hightech"),
        "2599",
        (
            Cap("tool-and-die-making", "sets", (2, 20), (0.005, 0.01), (200, 2500), (50, 15000)),
            Cap("cnc-milling", "h", (1000, 5000), (0.005, 0.01), (100, 2500)),
        ),
        (
            Cap("edm", "h", (300, 1500), (0.005,)),
            Cap("wire-edm", "h", (300, 1500), (0.002, 0.005)),
            Cap("grinding", "h", (200, 800), (0.002,)),
        ),
        ("alloy-steel", "a6061"),
        (
            ("Khuôn ép nhựa", "Injection moulds", "moulds-dies"),
            ("Khuôn dập liên hoàn", "Progressive dies", "moulds-dies"),
            ("Khuôn đúc áp lực", "Die-casting dies", "moulds-dies"),
            ("Đồ gá kiểm tra", "Checking fixtures", "jigs-fixtures-automation"),
        ),
        (
            ("Trung tâm gia công tốc độ cao", "Makino V56i", "5 trục"),
            ("Máy xung điện EDM", "Sodick AG60L", "600 × 400 mm"),
            ("Máy cắt dây", "Mitsubishi MV2400", "600 × 400 × 310 mm"),
        ),
        "Thiết kế và chế tạo khuôn ép nhựa, khuôn dập, khuôn đúc áp lực; gia công CNC tốc độ cao, "
        "xung điện và cắt dây.",
        "Design and manufacture of injection moulds, stamping dies and die-casting dies, with "
        "high-speed CNC milling, EDM and wire EDM.",
    ),
    Trade(
        "electronics",
        "Điện tử",
        "Electronics",
        "Electronics",
        6,
        2,
        ("electronics", "hightech"),
        "2740",
        (Cap("smt", "pcs", (50000, 500000)), Cap("assembly", "sets", (10000, 100000))),
        (Cap("material-testing", "h", (50, 200)),),
        ("copper", "pc"),
        (
            ("Bảng mạch điều khiển", "Control PCBs", "wiring-electrical"),
            ("Cụm đèn LED", "LED lamp modules", "lighting"),
            ("Cảm biến và công tắc", "Sensors and switches", "wiring-electrical"),
        ),
        (
            ("Dây chuyền SMT", "Fuji NXT III", "8 module"),
            ("Lò hàn reflow", "Heller 1809 MK5", "9 vùng nhiệt"),
            ("Máy kiểm tra quang học AOI", "Koh Young Zenith", ""),
        ),
        "Lắp ráp linh kiện điện tử SMT, bảng mạch điều khiển và cụm đèn LED cho ô tô, xe máy và "
        "thiết bị điện.",
        "SMT assembly of control boards and LED modules for cars, motorcycles and electrical equipment.",
        certificates=("rohs",),
        automotive=False,
    ),
    Trade(
        "harness",
        "Dây điện Ô tô",
        "Automotive Wire Harness",
        "Harness",
        5,
        1,
        ("automotive", "electronics"),
        "2732",
        (Cap("harness-assembly", "sets", (5000, 60000)),),
        (Cap("assembly", "sets", (5000, 30000)),),
        ("copper", "pvc"),
        (
            ("Bó dây điện thân xe", "Body wire harnesses", "wiring-electrical"),
            ("Bó dây điện động cơ", "Engine wire harnesses", "wiring-electrical"),
            ("Dây cáp ắc quy", "Battery cables", "wiring-electrical"),
        ),
        (
            ("Máy cắt tuốt dây tự động", "Komax Alpha 355", ""),
            ("Máy bấm đầu cốt", "Schleuniger", "30 kN"),
            ("Bàn kiểm tra thông mạch", "", "256 điểm"),
        ),
        "Sản xuất bó dây điện thân xe, động cơ và cáp ắc quy; kiểm tra thông mạch 100 %.",
        "Body and engine wire harnesses and battery cables, with 100 % continuity testing.",
        certificates=("rohs",),
    ),
    Trade(
        "glass",
        "Kính An toàn",
        "Safety Glass",
        "Glass",
        3,
        1,
        ("automotive",),
        "2310",
        (Cap("tempered-glass", "m2", (5000, 40000), (0.5, 1.0), (300, 2500)),),
        (Cap("laminated-glass", "m2", (3000, 20000), (0.5,), (300, 2500)),),
        ("glass",),
        (
            ("Kính chắn gió", "Windscreens", "glass"),
            ("Kính cửa hông", "Side windows", "glass"),
            ("Kính xe buýt", "Bus windows", "glass"),
        ),
        (
            ("Lò tôi kính", "Glaston", "2.440 × 4.200 mm"),
            ("Dây chuyền kính dán", "", "nồi hấp 2,5 × 6 m"),
        ),
        "Sản xuất kính cường lực và kính dán an toàn cho ô tô, xe buýt.",
        "Tempered and laminated safety glass for cars and buses.",
        certificates=("e-mark", "vn-conformity"),
    ),
    Trade(
        "coating",
        "Sơn tĩnh điện",
        "Powder Coating",
        "Coating",
        6,
        2,
        ("mechanical", "automotive"),
        "2592",
        (Cap("powder-coating", "m2", (20000, 150000), (), (100, 12000)),),
        (
            Cap("e-coating", "m2", (20000, 100000), (), (100, 12000)),
            Cap("phosphating", "m2", (20000, 100000)),
            Cap("sand-blasting", "m2", (5000, 30000)),
        ),
        ("hot-rolled-steel", "galvanised-steel"),
        (
            ("Sơn phủ khung sát xi", "Chassis frame coating", "chassis-frame"),
            ("Sơn tĩnh điện chi tiết thùng xe", "Powder-coated truck body parts", "trailer-bodies"),
        ),
        (
            ("Dây chuyền sơn tĩnh điện tự động", "Wagner", "băng tải 120 m"),
            ("Bể sơn điện di", "", "40 m³"),
            ("Buồng phun cát", "", "6 × 4 × 4 m"),
        ),
        "Xử lý bề mặt: phốt phát hóa, sơn điện di và sơn tĩnh điện khung sát xi, chi tiết thùng xe.",
        "Surface treatment: phosphating, e-coating and powder coating of chassis frames and truck "
        "body parts.",
    ),
    Trade(
        "plating",
        "Xi mạ",
        "Electroplating",
        "Plating",
        5,
        2,
        ("mechanical",),
        "2592",
        (Cap("zinc-electroplating", "kg", (20000, 150000)),),
        (
            Cap("hot-dip-galvanising", "t", (100, 800), (), (100, 7000)),
            Cap("chrome-plating", "m2", (500, 3000)),
            Cap("nickel-plating", "m2", (500, 3000)),
            Cap("phosphating", "m2", (5000, 30000)),
        ),
        ("alloy-steel", "hot-rolled-steel"),
        (
            ("Mạ kẽm bu lông và chi tiết nhỏ", "Zinc plating of fasteners and small parts", "fasteners"),
            ("Mạ crôm cứng ty xi lanh", "Hard-chrome plating of cylinder rods", "hydraulic-cylinders"),
        ),
        (
            ("Dây chuyền mạ quay tự động", "", "6 thùng quay"),
            ("Bể mạ kẽm nhúng nóng", "", "7 × 1,5 × 2,5 m"),
        ),
        "Xi mạ kẽm, niken, crôm cứng và mạ kẽm nhúng nóng; hệ thống xử lý nước thải đạt chuẩn.",
        "Zinc, nickel and hard-chrome electroplating and hot-dip galvanising, with a compliant "
        "waste-water plant.",
        certificates=("iso-14001",),
        automotive=False,
    ),
    Trade(
        "steel-structures",
        "Kết cấu Thép",
        "Steel Structures",
        "Steel",
        10,
        2,
        ("mechanical",),
        "2511",
        (
            Cap("mig-mag-welding", "t", (50, 400), (1.0, 2.0), (2000, 14000), (50, 5000)),
            Cap("laser-cutting", "m", (10000, 60000), (0.1, 0.2), (100, 6000)),
        ),
        (
            Cap("press-brake-bending", "pcs", (5000, 30000), (0.5,), (100, 6000)),
            Cap("robotic-welding", "pcs", (5000, 40000), (0.5,)),
            Cap("plasma-cutting", "m", (5000, 30000), (1.0,)),
        ),
        ("hot-rolled-steel", "alloy-steel", "stainless-steel"),
        (
            ("Khung sát xi xe tải", "Truck chassis frames", "chassis-frame"),
            ("Kết cấu thép nhà xưởng", "Steel structures for factories", "sheet-metal-welded"),
            ("Cụm hàn khung ghế", "Welded seat frames", "seats-trim"),
        ),
        (
            ("Máy cắt laser fiber", "Bystronic ByStar Fiber", "6 kW, 3 × 1,5 m"),
            ("Robot hàn", "Panasonic TM-1800", "2 trạm"),
            ("Máy chấn thủy lực", "Amada HG 2204", "220 tấn × 4 m"),
        ),
        "Cắt laser, chấn và hàn MIG/MAG kết cấu thép, khung sát xi và cụm hàn; thợ hàn có chứng chỉ.",
        "Laser cutting, bending and MIG/MAG welding of steel structures, chassis frames and welded "
        "assemblies by certified welders.",
        certificates=("iso-3834", "iso-9606"),
        automotive=False,
    ),
    Trade(
        "truck-bodies",
        "Cơ khí Ô tô",
        "Automotive Engineering",
        "Bodies",
        5,
        1,
        ("automotive", "mechanical"),
        "2920",
        (
            Cap("mig-mag-welding", "sets", (40, 300), (1.0, 2.0), (3000, 13000), (500, 8000)),
            Cap("press-brake-bending", "pcs", (3000, 20000), (0.5,), (100, 6000)),
        ),
        (Cap("powder-coating", "m2", (10000, 50000)), Cap("assembly", "sets", (40, 300))),
        ("hot-rolled-steel", "galvanised-steel", "aluminium"),
        (
            ("Thùng xe tải", "Truck bodies", "trailer-bodies"),
            ("Sơ mi rơ moóc", "Semi-trailers", "trailer-bodies"),
            ("Thùng ben", "Tipper bodies", "trailer-bodies"),
        ),
        (
            ("Đồ gá hàn thùng xe", "", "13 m"),
            ("Máy chấn thủy lực", "", "400 tấn × 6 m"),
        ),
        "Đóng thùng xe tải, thùng ben và sơ mi rơ moóc theo thiết kế được Cục Đăng kiểm phê duyệt.",
        "Truck bodies, tipper bodies and semi-trailers built to designs approved by Vietnam Register.",
        certificates=("vr-type-approval",),
    ),
    Trade(
        "leaf-springs",
        "Nhíp Ô tô",
        "Automotive Leaf Springs",
        "Springs",
        3,
        1,
        ("automotive",),
        "2930",
        (
            Cap("hot-forging", "pcs", (3000, 30000), (0.5,), (600, 1800), (2, 40)),
            Cap("quenching", "t", (50, 300)),
            Cap("tempering", "t", (50, 300)),
        ),
        (Cap("shot-blasting", "t", (50, 300)),),
        ("alloy-steel",),
        (
            ("Nhíp lá xe tải", "Truck leaf springs", "suspension"),
            ("Nhíp parabol", "Parabolic springs", "suspension"),
        ),
        (
            ("Lò tôi liên tục", "", "1,5 tấn/giờ"),
            ("Máy phun bi ứng suất", "", ""),
        ),
        "Sản xuất nhíp lá và nhíp parabol cho xe tải, xe buýt: cán, tôi, ram và phun bi ứng suất.",
        "Leaf and parabolic springs for trucks and buses: forming, quenching, tempering and shot peening.",
    ),
    Trade(
        "forging",
        "Rèn Dập nóng",
        "Hot Forging",
        "Forging",
        4,
        2,
        ("mechanical", "automotive"),
        "2591",
        (
            Cap("hot-forging", "pcs", (10000, 80000), (0.3, 0.5), (30, 900), (0.2, 40)),
            Cap("heat-treatment", "t", (30, 200)),
        ),
        (
            Cap("cold-forging", "pcs", (50000, 300000), (0.1,), (5, 150), (0.01, 1)),
            Cap("cnc-turning", "pcs", (5000, 30000), (0.02,), (20, 500)),
        ),
        ("alloy-steel", "stainless-steel", "brass"),
        (
            ("Trục khuỷu và trục cam", "Crankshafts and camshafts", "engine"),
            ("Phôi bánh răng rèn", "Forged gear blanks", "bearings-gears-shafts"),
            ("Khớp cầu và đầu rô-tuyn", "Ball joints and tie-rod ends", "steering"),
        ),
        (
            ("Máy ép rèn", "", "1.600 tấn"),
            ("Búa rèn", "", "3 tấn"),
            ("Lò nung cao tần", "", "500 kW"),
        ),
        "Rèn nóng trục khuỷu, phôi bánh răng và khớp cầu từ thép hợp kim; nhiệt luyện và gia công thô.",
        "Hot forging of crankshafts, gear blanks and ball joints in alloy steel, with heat treatment "
        "and rough machining.",
    ),
    Trade(
        "composites",
        "Composite",
        "Composites",
        "Composites",
        4,
        1,
        ("automotive",),
        "2220",
        (Cap("composite-moulding", "pcs", (1000, 10000), (0.5, 1.0), (500, 6000), (1, 120)),),
        (Cap("painting", "m2", (3000, 20000)), Cap("assembly", "sets", (500, 5000))),
        ("frp", "smc"),
        (
            ("Ốp cản composite xe buýt", "Composite bus bumpers", "composites"),
            ("Mặt nạ và nóc xe buýt", "Bus front masks and roofs", "composites"),
            ("Chắn bùn composite", "Composite mudguards", "composites"),
        ),
        (("Máy ép SMC", "", "800 tấn"), ("Hệ thống khuôn RTM", "", "6 bộ")),
        "Sản xuất chi tiết composite FRP, SMC cho xe buýt, xe tải: mặt nạ, nóc, cản và chắn bùn.",
        "FRP and SMC composite parts for buses and trucks: front masks, roofs, bumpers and mudguards.",
    ),
    Trade(
        "seats",
        "Nội thất Ô tô",
        "Automotive Interiors",
        "Interiors",
        5,
        1,
        ("automotive", "textile"),
        "2930",
        (Cap("seat-cover-sewing", "sets", (5000, 40000)), Cap("pu-foam", "pcs", (10000, 60000))),
        (Cap("assembly", "sets", (3000, 20000)),),
        ("fabric", "artificial-leather", "leather"),
        (
            ("Áo ghế da và nỉ", "Leather and fabric seat covers", "seats-trim"),
            ("Đệm ghế PU", "PU seat cushions", "seats-trim"),
            ("Tapi trần xe", "Headliners", "seats-trim"),
        ),
        (
            ("Máy may công nghiệp", "Juki DU-1181N", "1 kim"),
            ("Máy cắt vải tự động", "Lectra Vector", ""),
            ("Dây chuyền đổ mút PU", "", "40 khuôn"),
        ),
        "May áo ghế, đổ mút PU và lắp ráp ghế, tapi trần cho ô tô du lịch và xe buýt.",
        "Seat-cover sewing, PU foam moulding and seat and headliner assembly for cars and buses.",
    ),
    Trade(
        "fasteners",
        "Bu lông Ốc vít",
        "Fasteners",
        "Fasteners",
        5,
        2,
        ("mechanical", "automotive"),
        "2599",
        (
            Cap("cold-forging", "pcs", (500000, 5000000), (0.05, 0.1), (5, 200), (0.005, 0.5)),
            Cap("heat-treatment", "t", (30, 200)),
        ),
        (
            Cap("zinc-electroplating", "kg", (10000, 80000)),
            Cap("cnc-turning", "pcs", (20000, 100000), (0.02,)),
        ),
        ("alloy-steel", "stainless-steel"),
        (
            ("Bu lông cường độ cao 8.8 và 10.9", "High-strength bolts 8.8 and 10.9", "fasteners"),
            ("Đai ốc và vòng đệm", "Nuts and washers", "fasteners"),
            ("Bu lông tắc kê bánh xe", "Wheel studs", "wheels"),
        ),
        (
            ("Máy dập đầu nguội", "Sacma SP 360", "5 trạm"),
            ("Máy cán ren", "", "M6–M20"),
            ("Lò nhiệt luyện băng lưới", "", "500 kg/giờ"),
        ),
        "Sản xuất bu lông, đai ốc cường độ cao 8.8, 10.9 bằng dập nguội, cán ren, nhiệt luyện và mạ kẽm.",
        "High-strength bolts and nuts (grades 8.8 and 10.9) by cold heading, thread rolling, heat "
        "treatment and zinc plating.",
    ),
    Trade(
        "heat-treatment",
        "Nhiệt luyện",
        "Heat Treatment",
        "Heat Treatment",
        3,
        2,
        ("mechanical",),
        "2592",
        (Cap("heat-treatment", "t", (50, 400)), Cap("carburising", "t", (20, 150))),
        (
            Cap("induction-hardening", "pcs", (10000, 80000)),
            Cap("nitriding", "t", (10, 60)),
            Cap("quenching", "t", (30, 200)),
        ),
        ("alloy-steel",),
        (("Nhiệt luyện bánh răng và trục", "Heat treatment of gears and shafts", "bearings-gears-shafts"),),
        (("Lò thấm cacbon", "Ipsen TQ", "600 kg/mẻ"), ("Máy tôi cao tần", "", "200 kW")),
        "Dịch vụ nhiệt luyện: tôi, ram, thấm cacbon, thấm nitơ và tôi cao tần bánh răng, trục.",
        "Heat-treatment services: quenching, tempering, carburising, nitriding and induction "
        "hardening of gears and shafts.",
    ),
    Trade(
        "hydraulics",
        "Thủy lực",
        "Hydraulics",
        "Hydraulics",
        3,
        2,
        ("mechanical",),
        "2813",
        (
            Cap("cnc-turning", "pcs", (3000, 20000), (0.01, 0.02), (50, 3000), (0.5, 200)),
            Cap("assembly", "sets", (500, 5000)),
        ),
        (
            Cap("grinding", "pcs", (2000, 10000), (0.005,)),
            Cap("chrome-plating", "m2", (300, 2000)),
            Cap("welding", "pcs", (1000, 5000)),
        ),
        ("alloy-steel", "stainless-steel"),
        (
            ("Xi lanh thủy lực ben", "Tipper hydraulic cylinders", "hydraulic-cylinders"),
            ("Xi lanh thủy lực nâng hạ", "Lifting cylinders", "hydraulic-cylinders"),
        ),
        (
            ("Máy doa lỗ sâu", "", "6 m"),
            ("Máy mài tròn ngoài", "", "Φ200 × 3.000 mm"),
            ("Bàn thử áp lực", "", "350 bar"),
        ),
        "Chế tạo và sửa chữa xi lanh thủy lực cho xe ben, cẩu và máy công trình; thử áp lực 100 %.",
        "Hydraulic cylinders for tippers, cranes and construction machinery, all pressure-tested.",
        automotive=False,
    ),
    Trade(
        "automation",
        "Tự động hóa",
        "Automation",
        "Automation",
        5,
        2,
        ("mechanical", "hightech"),
        "2822",
        (
            Cap("assembly", "sets", (10, 120)),
            Cap("cnc-milling", "pcs", (1000, 8000), (0.01, 0.02), (50, 1500)),
        ),
        (Cap("laser-cutting", "m", (3000, 15000), (0.1,)), Cap("welding", "pcs", (500, 5000))),
        ("a6061", "stainless-steel", "alloy-steel"),
        (
            ("Đồ gá hàn", "Welding jigs", "jigs-fixtures-automation"),
            (
                "Băng tải và thiết bị tự động",
                "Conveyors and automation equipment",
                "jigs-fixtures-automation",
            ),
            ("Đồ gá kiểm tra", "Checking fixtures", "jigs-fixtures-automation"),
        ),
        (
            ("Trung tâm gia công đứng", "Brother Speedio S700X1", "700 × 400 mm"),
            ("Máy cắt laser fiber", "", "3 kW"),
        ),
        "Thiết kế, chế tạo đồ gá hàn, đồ gá kiểm tra, băng tải và thiết bị tự động hóa cho dây "
        "chuyền lắp ráp.",
        "Design and build of welding and checking fixtures, conveyors and automation equipment for "
        "assembly lines.",
        automotive=False,
    ),
)

# (Vietnamese, English, weight): "Công ty TNHH …" / "… Co., Ltd".
LEGAL_FORMS = (
    ("Công ty TNHH", "Co., Ltd", 45),
    ("Công ty TNHH MTV", "One Member Co., Ltd", 15),
    ("Công ty Cổ phần", "Joint Stock Company", 35),
    ("Doanh nghiệp tư nhân", "Private Enterprise", 5),
)

BRANDS = (
    "Hưng Thịnh",
    "Phú Cường",
    "Tân Tiến",
    "Thành Công",
    "Minh Phát",
    "An Phú",
    "Đại Việt",
    "Á Châu",
    "Sao Mai",
    "Hoàng Long",
    "Trường Sơn",
    "Phương Nam",
    "Bình Minh",
    "Kim Long",
    "Tiến Đạt",
    "Nam Việt",
    "Hải Âu",
    "Thái Dương",
    "Phúc Thịnh",
    "Đông Dương",
    "Vạn Xuân",
    "Hồng Hà",
    "Quang Trung",
    "Thiên Long",
    "Đức Tín",
    "Tín Nghĩa",
    "Hiệp Hưng",
    "Toàn Thắng",
    "Nhật Quang",
    "Anh Khoa",
    "Hòa Phát",
    "Đông Á",
    "Lạc Hồng",
    "Tân Hoàng Minh",
    "Vĩnh Phát",
    "Thịnh Vượng",
    "Phát Đạt",
    "Kim Sơn",
    "Hữu Nghị",
    "Mai Anh",
)
# Brands of foreign-invested firms and joint ventures.
FDI_BRANDS = ("Việt Nhật", "Việt Hàn", "Việt Đức", "Việt Đài", "Việt Sing", "Việt Thái")

# Province code → (how many demo firms, MST prefixes of its former tax offices, phone area codes,
# place words for names, (commune, industrial zone) pairs). About 60 % in Đà Nẵng (48).
PROVINCES: dict[str, tuple] = {
    "48": (
        120,
        ("40", "04"),
        ("0235", "0236"),
        ("Chu Lai", "Miền Trung", "Núi Thành", "Tam Kỳ", "Đà Nẵng", "Quảng Nam", "Hòa Khánh"),
        (
            ("Xã Núi Thành", "KCN THACO Chu Lai"),
            ("Xã Núi Thành", "KCN Bắc Chu Lai"),
            ("Xã Tam Anh", "KCN Tam Anh"),
            ("Xã Tam Xuân", "KCN Tam Hiệp"),
            ("Phường Hòa Khánh", "KCN Hòa Khánh"),
            ("Phường Liên Chiểu", "KCN Liên Chiểu"),
            ("Phường Điện Bàn Bắc", "KCN Điện Nam – Điện Ngọc"),
            ("Phường Cẩm Lệ", "KCN Hòa Cầm"),
            ("Phường Tam Kỳ", "KCN Tam Thăng"),
        ),
    ),
    "79": (
        24,
        ("03", "37"),
        ("028", "0274"),
        ("Sài Gòn", "Thủ Đức", "Bình Dương", "Phương Nam"),
        (
            ("Phường Tân Thuận", "KCX Tân Thuận"),
            ("Phường Bình Tân", "KCN Tân Tạo"),
            ("Phường Thuận An", "KCN VSIP"),
            ("Phường Dĩ An", "KCN Sóng Thần"),
            ("Xã Củ Chi", "KCN Tây Bắc Củ Chi"),
        ),
    ),
    "01": (
        16,
        ("01",),
        ("024",),
        ("Thăng Long", "Hà Nội", "Đông Anh", "Sóc Sơn"),
        (
            ("Xã Đông Anh", "KCN Thăng Long"),
            ("Xã Quang Minh", "KCN Quang Minh"),
            ("Xã Sóc Sơn", "KCN Nội Bài"),
            ("Xã Phú Nghĩa", "KCN Phú Nghĩa"),
        ),
    ),
    "31": (
        10,
        ("02", "08"),
        ("0225", "0220"),
        ("Hải Phòng", "Đình Vũ", "Hải Dương"),
        (
            ("Phường Hải An", "KCN Đình Vũ"),
            ("Xã An Dương", "KCN Tràng Duệ"),
            ("Phường Thủy Nguyên", "KCN VSIP Hải Phòng"),
            ("Phường Tứ Minh", "KCN Đại An"),
        ),
    ),
    "24": (
        10,
        ("23", "24"),
        ("0222", "0204"),
        ("Kinh Bắc", "Bắc Ninh", "Bắc Giang"),
        (
            ("Xã Yên Phong", "KCN Yên Phong"),
            ("Phường Quế Võ", "KCN Quế Võ"),
            ("Phường Từ Sơn", "KCN VSIP Bắc Ninh"),
            ("Phường Bắc Giang", "KCN Đình Trám"),
        ),
    ),
    "75": (
        8,
        ("36",),
        ("0251",),
        ("Biên Hòa", "Đồng Nai", "Nhơn Trạch"),
        (
            ("Phường Trấn Biên", "KCN Biên Hòa 2"),
            ("Xã Nhơn Trạch", "KCN Nhơn Trạch 3"),
            ("Xã Long Thành", "KCN Long Thành"),
        ),
    ),
    "51": (
        6,
        ("43",),
        ("0255",),
        ("Dung Quất", "Quảng Ngãi"),
        (("Xã Bình Sơn", "KKT Dung Quất"), ("Phường Trương Quang Trọng", "KCN Tịnh Phong")),
    ),
    "19": (1, ("46",), ("0208",), ("Thái Nguyên",), (("Phường Sông Công", "KCN Sông Công"),)),
    "33": (1, ("09",), ("0221",), ("Phố Hiến",), (("Phường Mỹ Hào", "KCN Phố Nối A"),)),
    "38": (1, ("28",), ("0237",), ("Nghi Sơn",), (("Phường Nghi Sơn", "KKT Nghi Sơn"),)),
    "46": (1, ("33",), ("0234",), ("Huế",), (("Phường Phú Bài", "KCN Phú Bài"),)),
    "25": (1, ("25",), ("0211",), ("Vĩnh Phúc",), (("Xã Bình Xuyên", "KCN Bình Xuyên"),)),
    "92": (1, ("18",), ("0292",), ("Cần Thơ",), (("Phường Thới An Đông", "KCN Trà Nóc"),)),
}
# Industrial zones of the Chu Lai open economic zone: firms there are the cluster's candidates.
CHU_LAI_ZONES = ("KCN THACO Chu Lai", "KCN Bắc Chu Lai", "KCN Tam Anh", "KCN Tam Hiệp")

SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Ngô")
MIDDLE_NAMES = ("Văn", "Thị", "Minh", "Quốc", "Thanh", "Đức", "Ngọc", "Hữu", "Công", "Thu")
GIVEN_NAMES = (
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Hà",
    "Hải",
    "Hùng",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Phong",
    "Phúc",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trang",
    "Tuấn",
    "Vy",
)

CUSTOMERS = (
    "Công ty TNHH Công nghiệp THACO (THACO Industries)",
    "Công ty TNHH Sản xuất và Kinh doanh VinFast",
    "Công ty Cổ phần Tập đoàn Thành Công (Hyundai Thành Công)",
    "Công ty Honda Việt Nam",
    "Công ty Ô tô Toyota Việt Nam",
    "Công ty TNHH Ô tô Isuzu Việt Nam",
    "Công ty TNHH Yamaha Motor Việt Nam",
)
ELECTRONICS_CUSTOMERS = (
    "Công ty TNHH Samsung Electronics Việt Nam",
    "Công ty TNHH LG Electronics Việt Nam Hải Phòng",
    "Công ty TNHH Canon Việt Nam",
)
EXPORT_MARKETS = ("Nhật Bản", "Hàn Quốc", "Hoa Kỳ", "Thái Lan", "Đức", "Úc", "Lào", "Campuchia")

# Certification bodies with a number pattern ({n}: digits, {yy}: the year of issue).
CERTIFICATION_BODIES = (
    ("Bureau Veritas Certification Việt Nam", "VN{n}"),
    ("TÜV Rheinland Việt Nam", "44 100 {n}"),
    ("SGS Việt Nam", "VN{yy}/{n}"),
    ("DNV Business Assurance Việt Nam", "C{n}-{yy}"),
    ("Trung tâm Chứng nhận Phù hợp QUACERT", "HT {n}.{yy}"),
    ("Intertek Việt Nam", "ITS-{yy}-{n}"),
)
# IATF 16949 is granted only by certification bodies IATF recognises.
IATF_BODIES = CERTIFICATION_BODIES[:4]
# Standards only certain bodies grant.
SPECIAL_BODIES = {
    "vr-type-approval": ("Cục Đăng kiểm Việt Nam", "{n}/VAQ{yy}-01"),
    "vn-conformity": ("Trung tâm Chứng nhận Phù hợp QUACERT", "HQ {n}.{yy}"),
    "rohs": ("SGS Việt Nam", "RoHS-{yy}-{n}"),
}
# How long a certificate runs, in days (management-system certificates: three years).
VALIDITY_DAYS = {"rohs": 365, "iso-9606": 2 * 365}
DEFAULT_VALIDITY_DAYS = 3 * 365

SUSPENSION_REASONS = (
    "Giấy chứng nhận ISO 9001 đã hết hạn và chưa được cập nhật; đề nghị doanh nghiệp bổ sung "
    "giấy chứng nhận mới.",
    "Địa chỉ nhà xưởng khai báo không khớp với kết quả kiểm tra thực tế; tạm dừng hiển thị chờ "
    "doanh nghiệp cập nhật.",
    "Doanh nghiệp đã thông báo tạm ngừng sản xuất kinh doanh từ quý III.",
)

EMPLOYEE_BANDS = (("1-9", 8), ("10-49", 37), ("50-199", 38), ("200-499", 13), ("500+", 4))
# Monthly capacity scales with the size of the firm (the ranges above are for 50–199 people).
BAND_SCALE = {"1-9": 0.2, "10-49": 0.5, "50-199": 1.0, "200-499": 2.0, "500+": 4.0}
