// SPDX-License-Identifier: GPL-2.0-only
/*
 * Device fd ioctls: the runner makes none, but a client's trace shows how it
 * drives the device it mapped memory for. Flags have no name table here
 * (they are the device's, not the container's), so they are hex.
 */
#include "uapi/codec.h"

void vf_uapi_device_args(struct vf_sink *s, unsigned long req, const void *arg)
{
	switch (req) {
	case VFIO_DEVICE_GET_REGION_INFO:
		vf_sink_int(s, "index", ((const struct vfio_region_info *)arg)->index);
		break;
	case VFIO_DEVICE_GET_IRQ_INFO:
		vf_sink_int(s, "index", ((const struct vfio_irq_info *)arg)->index);
		break;
	case VFIO_DEVICE_SET_IRQS: {
		const struct vfio_irq_set *q = arg;

		vf_sink_hex(s, "flags", q->flags);
		vf_sink_int(s, "index", q->index);
		vf_sink_int(s, "start", q->start);
		vf_sink_int(s, "count", q->count);
		break;
	}
	default:
		break;
	}
}

void vf_uapi_device_out(struct vf_sink *s, unsigned long req, const void *arg)
{
	switch (req) {
	case VFIO_DEVICE_GET_INFO: {
		const struct vfio_device_info *d = arg;

		vf_sink_hex(s, "flags", d->flags);
		vf_sink_int(s, "num_regions", d->num_regions);
		vf_sink_int(s, "num_irqs", d->num_irqs);
		break;
	}
	case VFIO_DEVICE_GET_REGION_INFO: {
		const struct vfio_region_info *r = arg;

		vf_sink_hex(s, "flags", r->flags);
		vf_sink_hex(s, "size", r->size);
		vf_sink_hex(s, "offset", r->offset);
		break;
	}
	case VFIO_DEVICE_GET_IRQ_INFO: {
		const struct vfio_irq_info *q = arg;

		vf_sink_hex(s, "flags", q->flags);
		vf_sink_int(s, "count", q->count);
		break;
	}
	default:
		break;
	}
}
