/**
 * A synthetic form definition that uses every field of FormDefinitionSchema (every optional
 * field set, every default overridden, every enum value used somewhere), for round-trip tests
 * of the authoring workbook.
 */
export const EVERY_FEATURE_DEFINITION = {
  id: 'moi-tinh-nang',
  version: 3,
  name: 'Biểu mẫu thử mọi tính năng',
  title: 'BÁO CÁO THỬ NGHIỆM MỌI TÍNH NĂNG CỦA ĐỊNH NGHĨA',
  subtitle: '(Kèm theo Công văn số 12-CV/TU)',
  periodType: 'half',
  issuer: 'BAN TỔ CHỨC TỈNH ỦY',
  place: 'Quảng Ngãi',
  header: [
    { key: 'nguoi_lap', label: 'Người lập biểu', type: 'text', required: true, maxLength: 100 },
    { key: 'ngay_lap', label: 'Ngày lập', type: 'date', required: false },
  ],
  sections: [
    {
      key: 'A',
      label: 'A. Số liệu',
      columns: [
        { key: 'so_nguoi', label: 'Số người', type: 'whole', min: 0, max: 100000 },
        { key: 'ty_le', label: 'Tỷ lệ (%)', type: 'decimal', min: 0.5, max: 99.75, decimals: 2, width: 12.5 },
        { key: 'kinh_phi', label: 'Kinh phí (đồng)', type: 'money', max: 5000000000000, consolidate: 'sum', width: 20 },
        { key: 'ghi_chu', label: 'Ghi chú', type: 'text', maxLength: 2000, consolidate: 'text' },
        { key: 'ngay', label: 'Ngày hoàn thành', type: 'date', consolidate: 'none' },
        { key: 'muc_do', label: 'Mức độ', type: 'choice', choices: ['Tốt', 'Khá; đạt', 'Chưa đạt'] },
        { key: 'xep_loai', label: 'Xếp loại', type: 'choice', choices: ['A', 'B', 'C'] },
      ],
      computed: [
        { key: 'con_lai', label: 'Còn lại', add: ['so_nguoi'], sub: ['kinh_phi'] },
        { key: 'tong', label: 'Tổng', add: ['so_nguoi', 'kinh_phi'], sub: [] },
      ],
      rows: [
        { code: '1', label: 'Tổng số', columns: ['so_nguoi', 'kinh_phi'], required: true, indent: 0 },
        { code: '1a', label: 'Trong đó: nữ', columns: ['so_nguoi'], required: false, indent: 1, note: 'Chỉ tính người có mặt' },
        { code: '1b', label: 'Trong đó: dưới 35 tuổi', columns: ['so_nguoi'], required: true, unitTypes: ['huyen', 'so-nganh'], indent: 2 },
        { code: '2', label: 'Tỷ lệ hoàn thành', columns: ['ty_le', 'ngay', 'muc_do', 'xep_loai'], required: true, indent: 0 },
        { code: '3', label: 'Đánh giá chung', columns: ['ghi_chu'], required: false, indent: 0 },
      ],
    },
    {
      key: 'B',
      label: 'B. Riêng cấp huyện',
      unitTypes: ['huyen'],
      columns: [{ key: 'so_xa', label: 'Số xã', type: 'whole' }],
      computed: [],
      rows: [{ code: '4', label: 'Số xã đã sắp xếp', columns: ['so_xa'], required: true, indent: 0 }],
    },
  ],
  tables: [
    {
      key: 'cong_trinh',
      label: 'Danh sách công trình',
      columns: [
        { key: 'ten', label: 'Tên công trình', type: 'text', maxLength: 255, required: true, unique: true, consolidate: 'none', width: 40 },
        { key: 'khoi_cong', label: 'Ngày khởi công', type: 'date', required: false, unique: false },
        { key: 'loai', label: 'Loại', type: 'choice', choices: ['Mới', 'Cải tạo'], required: true, unique: false },
        { key: 'du_toan', label: 'Dự toán', type: 'money', required: true, unique: false },
        { key: 'da_chi', label: 'Đã chi', type: 'money', required: true, unique: false, min: 0 },
        { key: 'tien_do', label: 'Tiến độ', type: 'decimal', required: false, unique: false, max: 1, decimals: 3 },
      ],
      minRows: 0,
      maxRows: 200,
      totals: ['da_chi', 'du_toan'],
      rules: [
        { id: 'chi-vuot', severity: 'error', left: ['da_chi'], op: 'lte', right: ['du_toan'], message: 'Đã chi ({leftValue}) vượt dự toán ({rightValue}).' },
        { id: 'chi-it', severity: 'warning', left: ['da_chi'], op: 'gt', right: ['tien_do'], message: 'Đã chi nhỏ.' },
      ],
    },
  ],
  rules: [
    { id: 'tong', kind: 'compare', severity: 'error', left: ['1.so_nguoi'], op: 'gte', right: ['1a.so_nguoi', '1b.so_nguoi'], message: 'Mã số 1 ({leftValue}) phải không nhỏ hơn 1a + 1b ({rightValue}).' },
    { id: 'tung-dong', kind: 'compare', severity: 'warning', left: ['{row}.{col}'], op: 'lt', right: ['1.{col}'], rows: ['1a', '1b'], columns: ['so_nguoi'], message: 'Mã số {row} ({col}) phải nhỏ hơn mã số 1.' },
    { id: 'bang', kind: 'compare', severity: 'error', left: ['4.so_xa'], op: 'eq', right: ['4.so_xa'], message: 'Bằng.' },
    { id: 'moc', kind: 'baseline', severity: 'warning', fields: ['{row}.so_nguoi', 'cong_trinh.du_toan'], rows: ['1'], message: 'Số liệu mốc ({value}) khác kỳ trước ({previousValue}).' },
    { id: 'moc-cot', kind: 'baseline', severity: 'error', fields: ['1.{col}'], columns: ['so_nguoi', 'kinh_phi'], message: 'Mốc đổi.' },
  ],
  ratios: [
    { key: 'ty_le_nu', label: 'Tỷ lệ nữ', numerator: { add: ['1a.so_nguoi'], sub: [] }, denominator: ['1.so_nguoi'], targetMin: 0.3, targetLabel: 'Mục tiêu: ít nhất 30%' },
    { key: 'ty_le_chi', label: 'Tỷ lệ giải ngân', numerator: { add: ['cong_trinh.da_chi'], sub: ['cong_trinh.tien_do'] }, denominator: ['cong_trinh.du_toan', '1.kinh_phi'], targetMin: 0.125 },
  ],
  deadlines: {
    default: { day: 20, time: '16:30' },
    byUnitType: { huyen: { day: 18, time: '17:00' }, 'ban-dang': { day: 15, time: '09:15' } },
  },
  consolidation: { day: 25, time: '07:05', includeUnreviewed: false, autoLockDays: 10 },
  reminders: { workingDaysBefore: [5, 2, 1], workingDaysAfter: [1, 3], time: '07:45' },
  holidays: ['2027-02-05', '2027-02-08'],
  workingDays: ['2027-02-20'],
  recipients: { leadership: ['lanhdao@tinhuy.example.vn', 'vanphong@tinhuy.example.vn'], organisationCommittee: ['btc@tinhuy.example.vn'] },
  briefing: {
    highlights: [
      { key: '1.so_nguoi', label: 'Tổng số người' },
      { key: 'cong_trinh.__rows', label: 'Số công trình' },
    ],
    charts: [
      { kind: 'completeness', title: 'Tình hình báo cáo theo loại đơn vị' },
      { kind: 'targets', title: 'Các tỷ lệ so với mục tiêu', ratios: ['ty_le_nu'] },
      { kind: 'trend', title: 'Xu hướng qua các kỳ', ratios: ['ty_le_nu', 'ty_le_chi'], fields: [{ key: '1.so_nguoi', label: 'Tổng số người' }, { key: '1.kinh_phi', label: 'Kinh phí, đồng' }], periods: 6 },
      { kind: 'trend', ratios: [], fields: [{ key: '1a.so_nguoi', label: 'Nữ; cả hợp đồng' }], periods: 2 },
      { kind: 'breakdown', title: 'Cơ cấu số người', parts: [{ key: '1a.so_nguoi', label: 'Nữ' }, { key: '1b.so_nguoi', label: 'Dưới 35 tuổi; cấp huyện' }] },
    ],
    attention: {
      lateInARow: 3,
      returned: false,
      belowTarget: false,
      shares: [{ label: 'Kinh phí chưa giải ngân', numerator: ['cong_trinh.du_toan'], denominator: ['cong_trinh.du_toan', 'cong_trinh.da_chi'], above: 0.625 }],
      changes: [
        { key: '1.so_nguoi', label: 'Tổng số người', above: 0.3, minPrevious: 25 },
        { key: 'cong_trinh.da_chi', label: 'Đã chi', above: 1.5, minPrevious: 0 },
      ],
      emailLimit: 15,
    },
    document: {
      issuingBody: 'BAN TỔ CHỨC TỈNH ỦY',
      numberSuffix: '-BC/BTCTU',
      addressee: 'Ban Thường vụ Tỉnh ủy',
      signer: 'T/M BAN THƯỜNG VỤ',
      recipients: ['Như trên,', 'Đồng chí Bí thư Tỉnh ủy (b/c),', 'Lưu Văn phòng – Ban Tổ chức.'],
    },
  },
  supersedes: [1, 2],
} as const;
