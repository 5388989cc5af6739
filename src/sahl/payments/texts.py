from sahl.core.bilingual import BilingualText as T
from sahl.payments.models import PaymentIntent

STATES = {
    PaymentIntent.State.PENDING: T("بانتظار نتيجة الدفع", "Waiting for the payment result"),
    PaymentIntent.State.PAID: T("مدفوعة", "Paid"),
    PaymentIntent.State.DECLINED: T("رفض البنك البطاقة", "Declined by the bank"),
    PaymentIntent.State.CANCELLED: T("ألغيت عملية الدفع", "Payment cancelled"),
    PaymentIntent.State.EXPIRED: T("انتهت مهلة الدفع", "Payment timed out"),
    PaymentIntent.State.REFUNDED: T("أُعيد المبلغ إليك", "Refunded to you"),
}
